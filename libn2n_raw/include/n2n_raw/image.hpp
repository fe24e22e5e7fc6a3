// SPDX-License-Identifier: MIT
// Pixel containers shared by every stage: a non-owning 2-D view, an owning single-plane image
// and an owning planar multi-channel image. Row strides are counted in *elements*, not bytes.
#pragma once

#include <cassert>
#include <cstddef>
#include <type_traits>
#include <vector>

namespace n2n {

/// Non-owning view of a 2-D array: `(row, col)` indexing, row stride in elements.
/// `ImageView<T>` converts to `ImageView<const T>`, never the other way.
template <class T>
class ImageView {
public:
    ImageView() = default;
    ImageView(T* data, std::ptrdiff_t height, std::ptrdiff_t width, std::ptrdiff_t stride)
        : data_(data), height_(height), width_(width), stride_(stride) {
        assert(height >= 0 && width >= 0 && stride >= width);
    }
    ImageView(T* data, std::ptrdiff_t height, std::ptrdiff_t width) : ImageView(data, height, width, width) {}

    template <class U, class = std::enable_if_t<std::is_same_v<const U, T> && !std::is_same_v<U, T>>>
    ImageView(const ImageView<U>& other)  // NOLINT: the const conversion is meant to be implicit
        : data_(other.data()), height_(other.height()), width_(other.width()), stride_(other.stride()) {}

    T& operator()(std::ptrdiff_t row, std::ptrdiff_t col) const {
        assert(row >= 0 && row < height_ && col >= 0 && col < width_);
        return data_[row * stride_ + col];
    }
    T* row(std::ptrdiff_t r) const {
        assert(r >= 0 && r < height_);
        return data_ + r * stride_;
    }
    T* data() const { return data_; }
    std::ptrdiff_t height() const { return height_; }
    std::ptrdiff_t width() const { return width_; }
    /// Distance between the starts of two consecutive rows, in elements.
    std::ptrdiff_t stride() const { return stride_; }
    bool empty() const { return height_ == 0 || width_ == 0; }

    /// Sub-rectangle; the caller checks bounds (bayer::crop checks and reports the CFA phase).
    ImageView sub(std::ptrdiff_t row0, std::ptrdiff_t col0, std::ptrdiff_t h, std::ptrdiff_t w) const {
        assert(row0 >= 0 && col0 >= 0 && h >= 0 && w >= 0 && row0 + h <= height_ && col0 + w <= width_);
        return ImageView(data_ + row0 * stride_ + col0, h, w, stride_);
    }

private:
    T* data_ = nullptr;
    std::ptrdiff_t height_ = 0;
    std::ptrdiff_t width_ = 0;
    std::ptrdiff_t stride_ = 0;
};

/// Owning, contiguous single-plane image (stride == width).
template <class T>
class Image {
public:
    Image() = default;
    Image(std::ptrdiff_t height, std::ptrdiff_t width, T fill = T{})
        : height_(height), width_(width), pixels_(static_cast<std::size_t>(height * width), fill) {
        assert(height >= 0 && width >= 0);
    }

    ImageView<T> view() { return {pixels_.data(), height_, width_}; }
    ImageView<const T> view() const { return {pixels_.data(), height_, width_}; }
    T& operator()(std::ptrdiff_t r, std::ptrdiff_t c) { return view()(r, c); }
    const T& operator()(std::ptrdiff_t r, std::ptrdiff_t c) const { return view()(r, c); }
    std::ptrdiff_t height() const { return height_; }
    std::ptrdiff_t width() const { return width_; }
    bool empty() const { return pixels_.empty(); }
    T* data() { return pixels_.data(); }
    const T* data() const { return pixels_.data(); }
    std::vector<T>& pixels() { return pixels_; }
    const std::vector<T>& pixels() const { return pixels_; }

private:
    std::ptrdiff_t height_ = 0;
    std::ptrdiff_t width_ = 0;
    std::vector<T> pixels_;
};

/// Owning planar image: `channels` planes of height×width, plane after plane (C×H×W, the layout
/// of a LibTorch tensor without the batch axis).
template <class T>
class PlanarImage {
public:
    PlanarImage() = default;
    PlanarImage(std::ptrdiff_t channels, std::ptrdiff_t height, std::ptrdiff_t width, T fill = T{})
        : channels_(channels), height_(height), width_(width),
          pixels_(static_cast<std::size_t>(channels * height * width), fill) {}

    ImageView<T> plane(std::ptrdiff_t c) {
        assert(c >= 0 && c < channels_);
        return {pixels_.data() + c * height_ * width_, height_, width_};
    }
    ImageView<const T> plane(std::ptrdiff_t c) const {
        assert(c >= 0 && c < channels_);
        return {pixels_.data() + c * height_ * width_, height_, width_};
    }
    std::ptrdiff_t channels() const { return channels_; }
    std::ptrdiff_t height() const { return height_; }
    std::ptrdiff_t width() const { return width_; }
    T* data() { return pixels_.data(); }
    const T* data() const { return pixels_.data(); }
    std::vector<T>& pixels() { return pixels_; }
    const std::vector<T>& pixels() const { return pixels_; }

private:
    std::ptrdiff_t channels_ = 0;
    std::ptrdiff_t height_ = 0;
    std::ptrdiff_t width_ = 0;
    std::vector<T> pixels_;
};

}  // namespace n2n
