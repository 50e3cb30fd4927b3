/** The charts' colours, one set for the studio's page and `dcgan report`'s PNG. */

/** Series colours by what they plot: D and G, D's outputs, a quality metric. */
export const CHART_COLOURS = {
  d: '#4c6ef5',
  g: '#f0643c',
  dx: '#12a58a',
  dgz1: '#8046c4',
  dgz2: '#c49a1a',
  metric: '#8046c4',
} as const;

/** Text, gridlines, axes and the dashed floor; the page's background and its cards. */
export const CHART_INK = {
  text: '#1d2330',
  muted: '#6b7385',
  grid: '#eceef3',
  axis: '#b4bac6',
  floor: '#7c808a',
  page: '#f4f5f7',
  card: '#ffffff',
  cardEdge: '#e3e6ec',
} as const;
