import MNLTensor

/// MNIST (or Fashion-MNIST, same files) split the way TensorFlow's `input_data.read_data_sets`
/// did: the first `validation` training images become the validation split.
public struct MNISTDataSet {
  public let train: DataSplit
  public let validation: DataSplit
  public let test: DataSplit

  /// The four standard files, each accepted as `name.gz`, `name`, or with the dot spelling
  /// (`train-images.idx3-ubyte`) that some mirrors use.
  public static let fileStems = [
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
  ]

  public init(train: DataSplit, validation: DataSplit, test: DataSplit) {
    self.train = train
    self.validation = validation
    self.test = test
  }

  public static func load(directory: String, validation: Int = 5000) throws -> MNISTDataSet {
    let trainImages = try readImages(try locate("train-images-idx3-ubyte", in: directory))
    let trainLabels = try readLabels(try locate("train-labels-idx1-ubyte", in: directory))
    let testImages = try readImages(try locate("t10k-images-idx3-ubyte", in: directory))
    let testLabels = try readLabels(try locate("t10k-labels-idx1-ubyte", in: directory))
    for (images, labels) in [(trainImages, trainLabels), (testImages, testLabels)] {
      guard images.shape[0] == labels.shape[0] else {
        throw DataError(
          file: images.file,
          "has \(images.shape[0]) images but \(labels.file) has \(labels.shape[0]) labels")
      }
    }
    guard trainImages.shape[1] == testImages.shape[1], trainImages.shape[2] == testImages.shape[2] else {
      throw DataError(
        file: testImages.file,
        "images are \(testImages.shape[1])×\(testImages.shape[2]) but the training images are \(trainImages.shape[1])×\(trainImages.shape[2])")
    }
    let trainCount = trainLabels.shape[0]
    guard validation >= 0, validation <= trainCount else {
      throw DataError(
        file: directory,
        "validation size \(validation) must be between 0 and the \(trainCount) training images")
    }
    let rows = trainImages.shape[1]
    let columns = trainImages.shape[2]
    let pixels = rows * columns
    let cut = validation * pixels
    return MNISTDataSet(
      train: try DataSplit(
        imageBytes: trainImages.payload[cut...], labelBytes: trainLabels.payload[validation...],
        rows: rows, columns: columns),
      validation: try DataSplit(
        imageBytes: trainImages.payload[..<cut], labelBytes: trainLabels.payload[..<validation],
        rows: rows, columns: columns),
      test: try DataSplit(
        imageBytes: testImages.payload[...], labelBytes: testLabels.payload[...], rows: rows, columns: columns))
  }

  /// Finds one of the standard files in `directory` under any accepted spelling.
  public static func locate(_ stem: String, in directory: String) throws -> String {
    let dotted = stem.replacing("-idx", with: ".idx", maxReplacements: 1)
    let candidates = [stem + ".gz", stem, dotted, dotted + ".gz"]
    let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    for name in candidates where FileIO.exists(dir + "/" + name) {
      return dir + "/" + name
    }
    throw DataError(
      file: directory,
      "no \(stem) file (looked for \(candidates.joined(separator: ", "))); scripts/get-data downloads MNIST")
  }

  private static func readImages(_ path: String) throws -> IDXArray {
    let array = try IDX.readFile(path)
    guard array.elementType == .uint8, array.shape.count == 3, array.shape[1] > 0, array.shape[2] > 0 else {
      throw DataError(
        file: path, "expected images: a rank-3 IDX array of ubyte, found \(array.elementType) \(formatShape(array.shape))")
    }
    return array
  }

  private static func readLabels(_ path: String) throws -> IDXArray {
    let array = try IDX.readFile(path)
    guard array.elementType == .uint8, array.shape.count == 1 else {
      throw DataError(
        file: path, "expected labels: a rank-1 IDX array of ubyte, found \(array.elementType) \(formatShape(array.shape))")
    }
    return array
  }
}
