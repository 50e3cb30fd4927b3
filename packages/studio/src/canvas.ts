/**
 * Images are drawn at G's own resolution into the canvas and upscaled by CSS (`image-rendering: pixelated`), so
 * every screen pixel is a nearest-neighbour copy of a model pixel and getImageData reads the model's output.
 */
export function paint(canvas: HTMLCanvasElement, image: ImageData): void {
  if (canvas.width !== image.width || canvas.height !== image.height) {
    canvas.width = image.width;
    canvas.height = image.height;
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}

export function pixelCanvas(className = 'pixel'): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = className;
  return canvas;
}

/** A PNG of the canvas, upscaled nearest-neighbour to about 256 pixels wide (32x32 -> 256x256, 64x64 -> 256x256). */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  const scale = Math.max(1, Math.round(256 / canvas.width));
  const big = document.createElement('canvas');
  big.width = canvas.width * scale;
  big.height = canvas.height * scale;
  const ctx = big.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(canvas, 0, 0, big.width, big.height);
  return new Promise((resolve, reject) => big.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
