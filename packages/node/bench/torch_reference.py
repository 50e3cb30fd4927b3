#!/usr/bin/env python3
"""PyTorch's speed and memory on the paper's DCGAN, run by `dcgan bench` beside dcgan-ts in the same run.

The same networks as packages/core (4x4 kernels, bias-free convs, batch norm except G's output and D's input,
ReLU/tanh in G, LeakyReLU 0.2 in D, Adam 2e-4/0.5) and the same step (D on a real and a fake batch, then G through
the updated D), after pytorch/examples' dcgan, plus peak RSS. Needs Debian's python3-torch.
--mode picks what a PyTorch user on a CPU would try: `default` (NCHW fp32), `channels_last` (fp32, NHWC memory, which
oneDNN prefers) or `bf16` (channels_last under CPU autocast to bfloat16, for training and sampling); `dcgan bench`
runs each in a process of its own and divides by the fastest. Prints one JSON line."""
import argparse, json, resource, time
import torch, torch.nn as nn


def generator(nz, ngf, nc, size):
    n = size.bit_length() - 3  # fractionally strided blocks after the 4x4 projection: 32 -> 3, 64 -> 4
    mult = 2 ** (n - 1)
    layers = [nn.ConvTranspose2d(nz, ngf * mult, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * mult), nn.ReLU(True)]
    for _ in range(n - 1):
        layers += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 4, 2, 1, bias=False),
                   nn.BatchNorm2d(ngf * mult // 2), nn.ReLU(True)]
        mult //= 2
    layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


def discriminator(ndf, nc, size):
    n = size.bit_length() - 3
    layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True)]
    mult = 1
    for _ in range(n - 1):
        layers += [nn.Conv2d(ndf * mult, ndf * mult * 2, 4, 2, 1, bias=False),
                   nn.BatchNorm2d(ndf * mult * 2), nn.LeakyReLU(0.2, True)]
        mult *= 2
    layers += [nn.Conv2d(ndf * mult, 1, 4, 1, 0, bias=False)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--size', type=int, default=64); p.add_argument('--channels', type=int, default=3)
    p.add_argument('--batch', type=int, default=128); p.add_argument('--steps', type=int, default=4)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--mode', choices=['default', 'channels_last', 'bf16'], default='default')
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    fmt = torch.contiguous_format if a.mode == 'default' else torch.channels_last
    bf16 = a.mode == 'bf16'
    g, d = generator(100, 64, a.channels, a.size), discriminator(64, a.channels, a.size)
    g, d = g.to(memory_format=fmt), d.to(memory_format=fmt)
    og = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    crit = nn.BCEWithLogitsLoss()
    real = (torch.rand(a.batch, a.channels, a.size, a.size) * 2 - 1).contiguous(memory_format=fmt)
    ones, zeros = torch.ones(a.batch), torch.zeros(a.batch)

    def step():
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            d.zero_grad()
            fake = g(torch.randn(a.batch, 100, 1, 1))
            ld = crit(d(real).view(-1).float(), ones) + crit(d(fake.detach()).view(-1).float(), zeros)
        ld.backward(); od.step()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            g.zero_grad()
            lg = crit(d(fake).view(-1).float(), ones)
        lg.backward(); og.step()

    step()  # warm-up: oneDNN primitive creation
    t = time.perf_counter()
    for _ in range(a.steps): step()
    train = a.batch * a.steps / (time.perf_counter() - t)
    g.eval()
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        g(torch.randn(a.batch, 100, 1, 1))
        t = time.perf_counter()
        for _ in range(a.steps): g(torch.randn(a.batch, 100, 1, 1))
        sample = a.batch * a.steps / (time.perf_counter() - t)
    print(json.dumps(dict(engine='pytorch', version=torch.__version__, mode=a.mode, threads=torch.get_num_threads(),
                          train_img_per_s=train, sample_img_per_s=sample,
                          peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))


if __name__ == '__main__':
    main()
