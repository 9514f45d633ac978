"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE)."""

from __future__ import annotations

import math
from typing import Any

import torch

from lamina.layers.preprocessing._color import rescale
from lamina.layers.preprocessing._image_base import ImageLayer


def _edge_pad(x: torch.Tensor, pad_h: int, pad_w: int) -> torch.Tensor:
    """Pads rows/columns at the end by repeating the last one, on a
    channels-last batch (Keras asks for symmetric padding, which its torch
    backend performs as edge replication: that is the behaviour matched)."""
    H, W = x.shape[1], x.shape[2]  # height, width
    rows = torch.arange(H + pad_h, device=x.device).clamp(max=H - 1)
    cols = torch.arange(W + pad_w, device=x.device).clamp(max=W - 1)
    return x.index_select(1, rows).index_select(2, cols)


def _tile_maps(
    x: torch.Tensor, grid: tuple, tile: tuple, clip_limit: float
) -> torch.Tensor:
    """`(B, gh, gw, C, 256)` equalization maps of each tile."""
    B, C = x.shape[0], x.shape[-1]  # batch, channels
    (gh, gw), (th, tw) = grid, tile
    tiles = x.reshape(B, gh, th, gw, tw, C).permute(0, 1, 3, 5, 2, 4)
    pixels = tiles.reshape(B, gh, gw, C, th * tw).to(torch.int64).clamp(0, 255)
    hists = torch.zeros(B, gh, gw, C, 256, dtype=x.dtype, device=x.device)
    hists.scatter_add_(-1, pixels, torch.ones_like(pixels, dtype=x.dtype))
    if clip_limit > 0:
        # Keras's histograms are integer counts, so its limit is truncated.
        clipped = hists.clamp(0, math.trunc(clip_limit * th * tw / 256.0))
        hists = clipped + (hists - clipped).sum(-1, keepdim=True) / 256.0
    cdf = torch.cumsum(hists, -1)
    cdf_min = cdf.amin(-1, keepdim=True)
    denominator = th * tw - cdf_min
    denominator = torch.where(
        denominator == 0, torch.ones_like(denominator), denominator
    )
    return ((cdf - cdf_min) * 255.0 / denominator).clamp(0, 255)


def _corner_weights(n: int, tile: int, grid: int, device: Any) -> tuple:
    """Indices of the two neighbouring tile centres (in the edge-padded grid)
    and the weight of the second, for each of `n` pixel positions."""
    pos = (
        torch.arange(n, dtype=torch.float32, device=device) - tile / 2.0
    ) / tile + 1.0
    lo = torch.floor(pos)
    weight = pos - lo
    return lo.clamp(0, grid + 1).long(), (lo + 1).clamp(0, grid + 1).long(), weight


def clahe(x: torch.Tensor, clip_limit: float, grid: tuple) -> torch.Tensor:
    """CLAHE of a channels-last batch with values in [0, 255]."""
    B, H, W, C = x.shape  # batch, height, width, channels
    gh, gw = grid
    th, tw = -(-H // gh), -(-W // gw)  # tile sizes (ceil)
    padded = _edge_pad(x, th * gh - H, tw * gw - W)
    maps = _tile_maps(padded, grid, (th, tw), clip_limit)
    # Edge-replicate the grid of maps so border pixels interpolate with themselves.
    maps = torch.cat([maps[:, :1], maps, maps[:, -1:]], 1)
    maps = torch.cat([maps[:, :, :1], maps, maps[:, :, -1:]], 2)
    y0, y1, wy = _corner_weights(th * gh, th, gh, x.device)
    x0, x1, wx = _corner_weights(tw * gw, tw, gw, x.device)
    pixels = padded.clamp(0, 255).to(torch.int64)
    b = torch.arange(B, device=x.device)[:, None, None, None]
    c = torch.arange(C, device=x.device)[None, None, None, :]

    def read(ys: torch.Tensor, xs: torch.Tensor) -> torch.Tensor:
        return maps[b, ys[None, :, None, None], xs[None, None, :, None], c, pixels]

    wx, wy = wx[None, None, :, None].to(x.dtype), wy[None, :, None, None].to(x.dtype)
    top = read(y0, x0) * (1 - wx) + read(y0, x1) * wx
    bottom = read(y1, x0) * (1 - wx) + read(y1, x1) * wx
    return (top * (1 - wy) + bottom * wy)[:, :H, :W]


class ContrastLimitedAdaptiveHistogramEqualization(ImageLayer):
    """Contrast-limited adaptive histogram equalization (CLAHE), Keras's way.

    The image is split into `tile_grid_size` tiles (padded by repeating the last
    row and column to a whole number of tiles); each tile's histogram is clipped at
    `clip_limit * pixels / 256` with the excess spread evenly, turned into an
    equalization map, and each pixel's value is interpolated bilinearly between
    the maps of the four nearest tile centres. Deterministic: applied in
    training and inference alike. Runs on the inputs' device.

    Args:
        value_range: the `(min, max)` range of the images (default `(0, 255)`).
        clip_limit: histogram clip limit (default 4; 0 disables clipping).
        tile_grid_size: `(rows, cols)` of tiles (default `(8, 8)`).
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
    >>> import lamina
    >>> layer = lamina.layers.ContrastLimitedAdaptiveHistogramEqualization(
    ...     tile_grid_size=(2, 2)
    ... )
    >>> layer(np.ones((1, 8, 8, 3))).shape
    torch.Size([1, 8, 8, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        clip_limit: float = 4.0,
        tile_grid_size: Any = (8, 8),
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(tile_grid_size)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x, single = self._as_batch(inputs)
        y = rescale(x, self.value_range, (0, 255))
        y = clahe(y, float(self.clip_limit), self.tile_grid_size)
        return self._from_batch(rescale(y, (0, 255), self.value_range), single)

    def get_config(self) -> dict:
        return {
            **self._config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }
