#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The speed reference of bench_infer and bench_train: the paper's 48-feature U-Net written as a
PyTorch user writes it (nn.ConvTranspose2d up-sampling, the default NCHW layout, eager mode), run
by Debian's python3-torch, which is the same LibTorch 1.13 build the C++ code links.

  torch_reference.py infer --height H --width W --threads T [--repeats R]
      forward of a 1 x 4 x H x W packed frame under no_grad
  torch_reference.py train --batch B --side S --threads T [--repeats R]
      one Neighbor2Neighbor training step on B x 4 x S x S: no-grad forward of the batch, the
      neighbour sub-images, forward + backward of g1, Adam (the step bench_train times)

Prints one JSON line: {"seconds": median of R timed runs after one warm-up, "threads": T, ...}.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn

LEVELS = 5


class UNet(nn.Module):
    def __init__(self, cin=4, cout=4, f=48):
        super().__init__()
        self.enc = nn.ModuleList()
        for level in range(LEVELS + 1):
            layers = [nn.Conv2d(cin if level == 0 else f, f, 3, padding=1), nn.LeakyReLU(0.2)]
            if level == 0:
                layers += [nn.Conv2d(f, f, 3, padding=1), nn.LeakyReLU(0.2)]
            if level < LEVELS:
                layers.append(nn.MaxPool2d(2))
            self.enc.append(nn.Sequential(*layers))
        up_in = [f, 2 * f, 2 * f, 2 * f, 2 * f]
        skip = [f, f, f, f, cin]
        self.up = nn.ModuleList(nn.ConvTranspose2d(c, c, 2, stride=2) for c in up_in)
        self.dec = nn.ModuleList()
        for i in range(LEVELS):
            layers = [nn.Conv2d(up_in[i] + skip[i], 2 * f, 3, padding=1), nn.LeakyReLU(0.2),
                      nn.Conv2d(2 * f, 2 * f, 3, padding=1), nn.LeakyReLU(0.2)]
            if i == LEVELS - 1:
                layers += [nn.Conv2d(2 * f, 2 * f, 1), nn.LeakyReLU(0.2), nn.Conv2d(2 * f, 2 * f, 1),
                           nn.LeakyReLU(0.2), nn.Conv2d(2 * f, cout, 1)]
            self.dec.append(nn.Sequential(*layers))
    def initialise(self, scale):
        """kaiming_normal(fan_in) times `scale`, zero biases: the weights the C++ side times
        (0.1: the paper's training init, bench_train; 1: bench_infer, O(1) activations)."""
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_normal_(m.weight, a=0.0, mode="fan_in", nonlinearity="leaky_relu")
                with torch.no_grad():
                    m.weight.mul_(scale)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        skips = [x]
        h = x
        for level in range(LEVELS + 1):
            h = self.enc[level](h)
            if level < LEVELS:
                skips.append(h)
        skips.pop()
        for i in range(LEVELS):
            h = self.dec[i](torch.cat([self.up[i](h), skips.pop()], 1))
        return h


def neighbour_pair(x, generator):
    """One random pair of distinct 4-neighbours per 2 x 2 cell, as the paper's sampler draws."""
    n, c, h, w = x.shape
    cells = x.reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    # Neighbouring pairs in a cell (indices 0 1 / 2 3): horizontal and vertical, either order.
    pairs = torch.tensor([[0, 1], [1, 0], [0, 2], [2, 0], [1, 3], [3, 1], [2, 3], [3, 2]])
    choice = pairs[torch.randint(0, 8, (n, 1, h // 2, w // 2, 1), generator=generator)]
    choice = choice.expand(n, c, h // 2, w // 2, 1, 2).squeeze(4)
    return cells.gather(4, choice[..., :1]).squeeze(4), cells.gather(4, choice[..., 1:]).squeeze(4), choice


def timed(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["infer", "train"])
    ap.add_argument("--height", type=int, default=512)
    ap.add_argument("--width", type=int, default=512)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--side", type=int, default=256)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = UNet()
    net.initialise(1.0 if args.mode == "infer" else 0.1)
    if args.mode == "infer":
        net.eval()
        x = torch.rand(1, 4, args.height, args.width)

        def run():
            with torch.no_grad():
                net(x)
    else:
        net.train()
        opt = torch.optim.Adam(net.parameters(), 1e-4)
        y = torch.rand(args.batch, 4, args.side, args.side)
        gen = torch.Generator().manual_seed(3)

        def run():
            with torch.no_grad():
                full = net(y)
            g1, g2, choice = neighbour_pair(y, gen)
            cells = full.reshape(*full.shape[:2], args.side // 2, 2, args.side // 2, 2)
            cells = cells.permute(0, 1, 2, 4, 3, 5).reshape(*full.shape[:2], args.side // 2, args.side // 2, 4)
            f1, f2 = cells.gather(4, choice[..., :1]).squeeze(4), cells.gather(4, choice[..., 1:]).squeeze(4)
            diff = net(g1) - g2
            loss = diff.square().mean() + 0.5 * (diff - (f1 - f2)).square().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = timed(run, args.repeats)
    print(json.dumps({"seconds": seconds, "threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
