#!/usr/bin/python3
"""
Writes the golden fixtures of packages/core/test/golden.test.ts: small fixed inputs and the numbers the reference
implementations give on them. Run by hand (CI has no torch), from anywhere:

    /usr/bin/python3 packages/core/test/golden/make_golden.py

Needs Debian bookworm's python3-torch 1.13.1, python3-torchvision 0.14.1, python3-scipy 1.10.1, python3-numpy 1.24.2
and python3-mpmath 1.2.1 (the versions it was last run with are recorded in golden.json). It is deterministic: a
rerun with the same versions writes the same bytes. Everything lands next to this file:

    golden.json         metadata, the expected numbers, and where each input lives in the .bin files
    features.f32.bin    X then Y, (200, 64) float32 each, little-endian: the FID / KID / precision-recall features
    featuresq.i8.bin    Xq then Yq, (200, 64) int8 each: features k / 8, whose float32 Gram matrices are exact
    kidperms.u8.bin     the permutations numpy's RandomState(seed) draws for torch-fidelity's KID subsets
    probs.f64.bin       (100, 10) float64 class probabilities for the inception score
    resize.u8.bin       resize inputs (H, W, C) and torchvision's outputs (H, W, C), uint8, at offsets in golden.json

What each expected number follows (torch-fidelity cannot be installed here: no PyPI; its arithmetic is re-typed from
its source, toshas/torch-fidelity torch_fidelity/metric_*.py as of v0.3.0 / 0.4.0-beta, function names below):

FID  (Heusel et al. 2017) d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)), mu = mean over rows, S = np.cov(rowvar=False)
     (ddof = 1), all float64.
     - "pytorch_fid": pytorch-fid's calculate_frechet_distance (mseitzer/pytorch-fid, src/pytorch_fid/fid_score.py, as in
       0.3.0): covmean = scipy.linalg.sqrtm(S1.dot(S2), disp=False), retried with eps = 1e-6 added to both diagonals if
       not finite, real part kept; also what torch-fidelity <= 0.2 did.
     - "torch_fidelity": torch-fidelity >= 0.3 fid_statistics_to_metric: tr_covmean =
       np.sum(np.sqrt(np.linalg.eigvals(S1.dot(S2))).real).
     - "exact": the same formula in 40-digit arithmetic (mpmath): S1, S2 from the float32 features, Tr (S1 S2)^(1/2) =
       sum sqrt(eig(A S2 A)), A = S1^(1/2), from symmetric eigendecompositions (mpmath.eigsy). The float64 references
       above sit within their own round-off of it; the rank-deficient case (48 rows in 64 dims) shows how far that is.
KID  (Binkowski et al. 2018) torch-fidelity's kid_features_to_metric / polynomial_mmd / mmd2 (mmd_est="unbiased"):
     k(x, y) = (x.y / d + 1)^3 (degree 3, gamma = 1/d, coef0 = 1); per subset
     MMD^2 = (sum_{i!=j} k(x_i, x_j) + sum_{i!=j} k(y_i, y_j)) / (m (m - 1)) - 2 sum_{i,j} k(x_i, y_j) / m^2;
     result = np.mean and np.std (ddof = 0) over subsets. Subsets exactly as torch-fidelity draws them:
     rng = np.random.RandomState(seed); per subset rng.choice(n1, m, replace=False) then rng.choice(n2, m,
     replace=False). choice without replacement is permutation(n)[:m] (asserted below), so the full permutations are
     stored and the test feeds them to our kernelInceptionDistance through its Rng argument (it takes
     permutation(n).subarray(0, m), the same rows in the same order).
     - "float64": that arithmetic in float64 on the float32 features (numpy matmul).
     - "torch_fidelity_float32": the same on float32 arrays, which is what torch-fidelity itself computes (its features
       come out of torch as float32): informative only, our code does the sums in float64.
     - "exact" (int8 features only): Python integers, k = (Xq.Yq + 4096)^3 / 4096^3 exactly, rounded once to float64.
IS   (Salimans et al. 2016) torch-fidelity's isc_features_to_metric with shuffle=False, in float64 (torch double):
     p = softmax(logits), per split (rows i*N//splits to (i+1)*N//splits) exp(mean_rows sum_c p (log_softmax - log
     mean_rows p)); np.mean and np.std (ddof = 0) over splits. Our inceptionScore takes probabilities, so the test gets
     softmax(logits) (torch double) and the reference keeps torch-fidelity's log_softmax.
PRC  (Kynkaanniemi et al. 2019) torch-fidelity's calculate_precision_recall_full, neighbourhood k = 3: radius = the
     (k + 1)-th smallest distance to the own set (kthvalue, the point itself at 0 included), precision = share of
     fakes (features_2 = Y) within some real's (features_1 = X) radius (<=), recall the other way round. Distances in
     float64 with torch.cdist(compute_mode="donot_use_mm_for_euclid_dist") (direct differences, no |x|^2 + |y|^2 - 2x.y
     cancellation); the float32 matrix-product default torch-fidelity runs with is reported as "float32_mm", for
     information.
Resize  torchvision 0.14.1 transforms.Resize([outH, outW], InterpolationMode.BILINEAR, antialias=True) on uint8
     tensors (C, H, W): functional_tensor.resize casts to float32, torch.nn.functional.interpolate(mode="bilinear",
     align_corners=False, antialias=True) (torch's _upsample_bilinear2d_aa, PIL's triangle filter of support max(1,
     scale)), then torch.round (half to even) and the cast to uint8. Also recorded per case, to sort any mismatch: the
     float64 filter output (same interpolate on float64) and PIL 9.4's Image.resize(BILINEAR) (fixed-point, rounds
     between its two passes) differences, informative only. float64TieIndices lists the output entries whose exact
     filter value is k + 1/2: there torch.round's half-to-even and a half-up rounding (JS Math.round) differ by one.
"""
import json
import pathlib
import sys
from fractions import Fraction

import mpmath
import numpy as np
import PIL
import scipy
import scipy.linalg
import torch
import torchvision
from PIL import Image
from torchvision.transforms import InterpolationMode, Resize

OUT = pathlib.Path(__file__).resolve().parent
N, D = 200, 64


def features():
    """Correlated, shifted Gaussian features X (reals) and Y (fakes), float32, with a few exact duplicate rows."""
    rng = np.random.RandomState(20240601)
    mix_x = rng.randn(D, D) / np.sqrt(D) + np.eye(D) * 0.5
    mix_y = rng.randn(D, D) / np.sqrt(D) + np.eye(D) * 0.5
    x = rng.randn(N, D) @ mix_x
    y = rng.randn(N, D) @ mix_y * 1.1 + 0.15 * rng.randn(D)
    x[7] = x[2]  # duplicates: ties at distance 0 for the k-NN radii
    x[150] = x[40]
    y[11] = y[3]
    return x.astype(np.float32), y.astype(np.float32)


def quantized(f):
    return np.clip(np.rint(f.astype(np.float64) * 8), -127, 127).astype(np.int8)


# ---------------------------------------------------------------------------------------------------------------- FID


def pytorch_fid(mu1, s1, mu2, s2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    retried = False
    if not np.isfinite(covmean).all():
        retried = True
        offset = np.eye(s1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((s1 + offset).dot(s2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real  # pytorch-fid raises if the diagonal's imaginary part exceeds 1e-3; recorded instead
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)), retried


def torch_fidelity_fid(mu1, s1, mu2, s2):
    diff = mu1 - mu2
    with np.errstate(invalid="ignore"):
        tr_covmean = np.sum(np.sqrt(np.linalg.eigvals(s1.dot(s2))).real)
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * tr_covmean)


def exact_fid(a, b):
    mpmath.mp.dps = 40

    def stats(f):
        n, d = f.shape
        rows = [[mpmath.mpf(float(v)) for v in r] for r in f]
        mu = [mpmath.fsum(rows[i][j] for i in range(n)) / n for j in range(d)]
        c = [[r[j] - mu[j] for j in range(d)] for r in rows]
        s = mpmath.matrix(d, d)
        for p in range(d):
            for q in range(p, d):
                v = mpmath.fsum(c[i][p] * c[i][q] for i in range(n)) / (n - 1)
                s[p, q] = v
                s[q, p] = v
        return mu, s

    mu1, s1 = stats(a)
    mu2, s2 = stats(b)
    d = a.shape[1]
    e, q = mpmath.eigsy(s1)
    root = q * mpmath.diag([mpmath.sqrt(max(v, 0)) for v in e]) * q.T
    middle = root * s2 * root
    middle = (middle + middle.T) / 2
    ev, _ = mpmath.eigsy(middle)
    tr_sqrt = mpmath.fsum(mpmath.sqrt(max(v, 0)) for v in ev)
    mean_term = mpmath.fsum((mu1[j] - mu2[j]) ** 2 for j in range(d))
    tr = mpmath.fsum(s1[j, j] + s2[j, j] for j in range(d))
    return float(mean_term + tr - 2 * tr_sqrt)


def fid_case(name, x, y, xr, yr):
    a = x[xr[0]:xr[1]].astype(np.float64)
    b = y[yr[0]:yr[1]].astype(np.float64)
    mu1, s1 = a.mean(axis=0), np.cov(a, rowvar=False)
    mu2, s2 = b.mean(axis=0), np.cov(b, rowvar=False)
    pf, retried = pytorch_fid(mu1, s1, mu2, s2)
    case = {
        "name": name,
        "x": {"set": "X", "rows": list(xr)},
        "y": {"set": "Y" if y is not x else "X", "rows": list(yr)},
        "exact": exact_fid(a, b),
        "pytorch_fid": pf,
        "pytorch_fid_eps_retry": retried,
        "torch_fidelity": torch_fidelity_fid(mu1, s1, mu2, s2),
        "traceSum": float(np.trace(s1) + np.trace(s2)),
    }
    print(f"FID {name}: " + ", ".join(f"{k}={case[k]!r}" for k in ("exact", "pytorch_fid", "torch_fidelity")))
    return case


# ---------------------------------------------------------------------------------------------------------------- KID


def polynomial_kernel(a, b, degree=3, gamma=None, coef0=1):
    if gamma is None:
        gamma = 1.0 / a.shape[1]
    return (np.matmul(a, b.T) * gamma + coef0) ** degree


def mmd2(k_xx, k_xy, k_yy):
    m = k_xx.shape[0]
    diag_x = np.diagonal(k_xx)
    diag_y = np.diagonal(k_yy)
    kt_xx_sum = (k_xx.sum(axis=1) - diag_x).sum()
    kt_yy_sum = (k_yy.sum(axis=1) - diag_y).sum()
    k_xy_sum = k_xy.sum(axis=0).sum()
    value = (kt_xx_sum + kt_yy_sum) / (m * (m - 1))
    value -= 2 * k_xy_sum / (m * m)
    return value


def polynomial_mmd(f1, f2):
    return mmd2(polynomial_kernel(f1, f1), polynomial_kernel(f1, f2), polynomial_kernel(f2, f2))


def exact_mmd_int8(xq, yq):
    """(xq/8 . yq/8) / 64 + 1 = (xq.yq + 4096) / 4096: the kernel sums as exact integers over 4096^3."""
    m = xq.shape[0]
    gxx = xq.astype(np.int64) @ xq.astype(np.int64).T + 4096
    gyy = yq.astype(np.int64) @ yq.astype(np.int64).T + 4096
    gxy = xq.astype(np.int64) @ yq.astype(np.int64).T + 4096

    def cube_sum(g, off_diagonal):
        s = sum(int(v) ** 3 for v in g.ravel().tolist())
        if off_diagonal:
            s -= sum(int(v) ** 3 for v in np.diagonal(g).tolist())
        return s

    scale = 4096**3
    value = Fraction(cube_sum(gxx, True) + cube_sum(gyy, True), m * (m - 1) * scale) - Fraction(2 * cube_sum(gxy, False), m * m * scale)
    return value


def kid_subsets(seed, n1, n2, subsets, m):
    """torch-fidelity's draws, as full permutations (choice(n, m, replace=False) == permutation(n)[:m])."""
    rng = np.random.RandomState(seed)
    check = np.random.RandomState(seed)
    perms = []
    for _ in range(subsets):
        p1 = rng.permutation(n1)
        assert (check.choice(n1, m, replace=False) == p1[:m]).all()
        p2 = rng.permutation(n2)
        assert (check.choice(n2, m, replace=False) == p2[:m]).all()
        perms.append((p1, p2))
    return perms


def kid_case(name, fx, fy, seed, subsets, m, exact_int8=None):
    perms = kid_subsets(seed, len(fx), len(fy), subsets, m)
    x64, y64 = fx.astype(np.float64), fy.astype(np.float64)
    x32, y32 = fx.astype(np.float32), fy.astype(np.float32)
    per64, per32, per_exact = [], [], []
    for p1, p2 in perms:
        i1, i2 = p1[:m], p2[:m]
        per64.append(float(polynomial_mmd(x64[i1], y64[i2])))
        per32.append(float(polynomial_mmd(x32[i1], y32[i2])))
        if exact_int8 is not None:
            per_exact.append(exact_mmd_int8(exact_int8[0][i1], exact_int8[1][i2]))
    case = {
        "name": name,
        "seed": seed,
        "subsets": subsets,
        "subsetSize": m,
        "float64": {"perSubset": per64, "mean": float(np.mean(per64)), "std": float(np.std(per64))},
        "torch_fidelity_float32": {"perSubset": per32, "mean": float(np.mean(np.array(per32))), "std": float(np.std(np.array(per32)))},
    }
    if exact_int8 is not None:
        mean = sum(per_exact, Fraction(0)) / len(per_exact)
        var = sum(((v - mean) ** 2 for v in per_exact), Fraction(0)) / len(per_exact)
        case["exact"] = {
            "perSubset": [float(v) for v in per_exact],
            "mean": float(mean),
            "std": float(mpmath.sqrt(mpmath.mpf(var.numerator) / var.denominator)),
        }
    print(f"KID {name}: mean {case['float64']['mean']!r} std {case['float64']['std']!r}")
    return case, perms


# ----------------------------------------------------------------------------------------------------------------- IS


def isc_features_to_metric(feature, splits):
    """torch-fidelity's, shuffle=False."""
    n = feature.shape[0]
    feature = feature.double()
    p = feature.softmax(dim=1)
    log_p = feature.log_softmax(dim=1)
    scores = []
    for i in range(splits):
        p_chunk = p[(i * n // splits): ((i + 1) * n // splits), :]
        log_p_chunk = log_p[(i * n // splits): ((i + 1) * n // splits), :]
        q_chunk = p_chunk.mean(dim=0, keepdim=True)
        kl = p_chunk * (log_p_chunk - q_chunk.log())
        scores.append(kl.sum(dim=1).mean().exp().item())
    return {"mean": float(np.mean(scores)), "std": float(np.std(scores)), "perSplit": scores}


# ---------------------------------------------------------------------------------------------------------------- PRC


def precision_recall(f1, f2, k, mode):
    """torch-fidelity's calculate_precision_recall_full; f1 real, f2 fake."""
    cd = lambda a, b: torch.cdist(a, b, compute_mode=mode)
    dist_nn_1 = cd(f1, f1).kthvalue(k + 1).values
    dist_nn_2 = cd(f2, f2).kthvalue(k + 1).values
    dist_2_1 = cd(f2, f1)
    dist_1_2 = dist_2_1.T
    precision = (dist_2_1 <= dist_nn_1).any(dim=1).float().mean().item()
    recall = (dist_1_2 <= dist_nn_2).any(dim=1).float().mean().item()
    # .float().mean() is float32: 23 / 200 comes out as 0.115000002; the counts are what is compared
    precision = round(precision * len(f2)) / len(f2)
    recall = round(recall * len(f1)) / len(f1)
    return precision, recall, dist_nn_1, dist_nn_2


# ------------------------------------------------------------------------------------------------------------- resize


def resize_image(h, w, c, seed):
    """Top half smooth (gradients and a ripple: values between levels), bottom half uniform noise (every level)."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    chans = []
    for ch in range(c):
        smooth = 127.5 + 100 * np.sin(xx / (2.0 + ch) + yy / 3.7) * np.cos(yy / (5.0 + ch)) + 20 * (xx - yy) / max(h, w)
        chans.append(smooth)
    img = np.clip(np.rint(np.stack(chans, axis=-1)), 0, 255).astype(np.uint8)
    img[h // 2:] = rng.randint(0, 256, size=(h - h // 2, w, c), dtype=np.uint8)
    img[0, 0] = 0  # the extremes, at a corner (edge taps)
    img[-1, -1] = 255
    return img


def resize_case(name, in_hw, out_hw, c, seed, blob):
    (ih, iw), (oh, ow) = in_hw, out_hw
    img = resize_image(ih, iw, c, seed)
    t = torch.from_numpy(img).permute(2, 0, 1).contiguous()  # (C, H, W) uint8
    out = Resize([oh, ow], interpolation=InterpolationMode.BILINEAR, antialias=True)(t)
    assert out.dtype == torch.uint8
    out_hwc = out.permute(1, 2, 0).contiguous().numpy()
    f32 = torch.nn.functional.interpolate(t[None].float(), size=[oh, ow], mode="bilinear", align_corners=False, antialias=True)[0]
    f64 = torch.nn.functional.interpolate(t[None].double(), size=[oh, ow], mode="bilinear", align_corners=False, antialias=True)[0]
    f32 = f32.permute(1, 2, 0).numpy().astype(np.float64)
    f64 = f64.permute(1, 2, 0).numpy()
    frac64 = f64 - np.floor(f64)
    ties = np.abs(frac64 - 0.5) < 1e-9
    pil = np.stack(
        [np.asarray(Image.fromarray(img[:, :, ch]).resize((ow, oh), Image.BILINEAR)) for ch in range(c)], axis=-1
    )
    in_off = len(blob)
    blob += img.tobytes()
    out_off = len(blob)
    blob += out_hwc.tobytes()
    case = {
        "name": name,
        "inH": ih,
        "inW": iw,
        "outH": oh,
        "outW": ow,
        "channels": c,
        "inputOffset": in_off,
        "outputOffset": out_off,
        "info": {
            "float32VsFloat64MaxAbs": float(np.abs(f32 - f64).max()),
            "float64TiesAtHalf": int(ties.sum()),
            "float64TieIndices": np.flatnonzero(ties.ravel()).tolist(),
            "float32TiesAtHalf": int((f32 - np.floor(f32) == 0.5).sum()),
            "pilMaxAbsDiffLevels": int(np.abs(pil.astype(int) - out_hwc.astype(int)).max()),
            "pilMismatches": int((pil != out_hwc).sum()),
        },
    }
    print(f"resize {name}: {case['info']['float64TiesAtHalf']} exact .5 ties, PIL mismatches {case['info']['pilMismatches']}")
    return case


def le(a, dtype):
    return np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def main():
    torch.set_num_threads(1)
    x, y = features()
    xq, yq = quantized(x), quantized(y)
    (OUT / "features.f32.bin").write_bytes(le(x, "f4") + le(y, "f4"))
    (OUT / "featuresq.i8.bin").write_bytes(xq.tobytes() + yq.tobytes())

    fid = [
        fid_case("200 vs 200", x, y, (0, 200), (0, 200)),
        fid_case("200 vs 120 (unequal counts)", x, y, (0, 200), (0, 120)),
        fid_case("X vs X (zero)", x, x, (0, 200), (0, 200)),
        fid_case("X[0:100] vs X[100:200] (same distribution)", x, x, (0, 100), (100, 200)),
        fid_case("48 vs 48 in 64 dims (rank-deficient covariances)", x, y, (0, 48), (0, 48)),
    ]

    kid_generic, perms = kid_case("float32 features, 10 subsets of 100", x, y, 2020, 10, 100)
    kid_q, perms_q = kid_case("k/8 features (exact float32 Gram), 10 subsets of 100", xq.astype(np.float64) / 8, yq.astype(np.float64) / 8, 2020, 10, 100, exact_int8=(xq, yq))
    assert all((a == c).all() and (b == e).all() for (a, b), (c, e) in zip(perms, perms_q))
    assert N <= 256
    (OUT / "kidperms.u8.bin").write_bytes(b"".join(p1.astype(np.uint8).tobytes() + p2.astype(np.uint8).tobytes() for p1, p2 in perms))

    logits = torch.from_numpy(np.random.RandomState(7).randn(100, 10) * np.linspace(0.2, 4.0, 100)[:, None])
    probs = logits.double().softmax(dim=1).numpy()
    (OUT / "probs.f64.bin").write_bytes(le(probs, "f8"))
    isc = [dict(splits=s, **isc_features_to_metric(logits, s)) for s in (10, 7, 1)]

    fx, fy = torch.from_numpy(x.astype(np.float64)), torch.from_numpy(y.astype(np.float64))
    prec, rec, r1, r2 = precision_recall(fx, fy, 3, "donot_use_mm_for_euclid_dist")
    prec32, rec32, _, _ = precision_recall(torch.from_numpy(x), torch.from_numpy(y), 3, "use_mm_for_euclid_dist_if_necessary")
    prc = {
        "k": 3,
        "precision": prec,
        "recall": rec,
        "realRadii": r1.tolist(),
        "fakeRadii": r2.tolist(),
        "float32_mm": {"precision": prec32, "recall": rec32},
    }
    print(f"PRC: precision {prec} recall {rec} (float32 mm: {prec32} {rec32})")

    blob = bytearray()
    resize = [
        resize_case("28x28 -> 32x32, 1 channel (MNIST up)", (28, 28), (32, 32), 1, 1, blob),
        resize_case("28x28 -> 16x16, 3 channels (down 1.75)", (28, 28), (16, 16), 3, 2, blob),
        resize_case("64x64 -> 24x24, 1 channel (down 2.67)", (64, 64), (24, 24), 1, 3, blob),
        resize_case("17x17 -> 64x64, 1 channel (odd, up 3.76)", (17, 17), (64, 64), 1, 4, blob),
        resize_case("32x32 -> 16x16, 3 channels (exactly 2x down)", (32, 32), (16, 16), 3, 5, blob),
        resize_case("28x28 -> 9x9, 1 channel (down 3.11)", (28, 28), (9, 9), 1, 6, blob),
        resize_case("30x20 -> 13x50, 3 channels (down rows, up columns)", (30, 20), (13, 50), 3, 7, blob),
        resize_case("28x28 -> 28x28, 3 channels (identity)", (28, 28), (28, 28), 3, 8, blob),
    ]
    (OUT / "resize.u8.bin").write_bytes(bytes(blob))

    golden = {
        "generator": "packages/core/test/golden/make_golden.py (see its header for the formulas and references)",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "mpmath": mpmath.__version__,
            "PIL": PIL.__version__,
        },
        "features": {"file": "features.f32.bin", "dtype": "float32", "sets": ["X", "Y"], "rows": N, "dims": D},
        "featuresQuantized": {"file": "featuresq.i8.bin", "dtype": "int8", "scale": 1 / 8, "sets": ["X", "Y"], "rows": N, "dims": D},
        "fid": fid,
        "kid": {
            "permutations": {"file": "kidperms.u8.bin", "dtype": "uint8", "layout": "per subset: permutation(nX) then permutation(nY)"},
            "float32Features": kid_generic,
            "quantizedFeatures": kid_q,
        },
        "inceptionScore": {"file": "probs.f64.bin", "dtype": "float64", "rows": 100, "classes": 10, "cases": isc},
        "precisionRecall": prc,
        "resize": {"file": "resize.u8.bin", "layout": "(H, W, C) uint8", "cases": resize},
    }
    (OUT / "golden.json").write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir() if p.name != "make_golden.py")
    print(f"wrote {OUT} ({total} bytes of fixtures)")


if __name__ == "__main__":
    main()
