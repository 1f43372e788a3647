@testable import MNLKernels

/// The geometry of a convolution from (batch, height, width, channels, kernel height, kernel
/// width, output channels, stride, SAME padding?), with TensorFlow's SAME/VALID output sizes
/// and padding (the extra row or column of an odd total padding at the bottom/right).
func geometry(_ s: (Int, Int, Int, Int, Int, Int, Int, Int, Bool)) -> ConvGeometry {
  let (n, h, w, c, kh, kw, o, stride, same) = s
  func axis(_ extent: Int, _ window: Int) -> (Int, Int) {
    if same {
      let out = (extent + stride - 1) / stride
      return (out, max(0, (out - 1) * stride + window - extent) / 2)
    }
    return ((extent - window) / stride + 1, 0)
  }
  let (oh, top) = axis(h, kh)
  let (ow, left) = axis(w, kw)
  return ConvGeometry(
    batch: n, height: h, width: w, channels: c, kernelHeight: kh, kernelWidth: kw, outChannels: o,
    strideH: stride, strideW: stride, padTop: top, padLeft: left, outHeight: oh, outWidth: ow)
}
