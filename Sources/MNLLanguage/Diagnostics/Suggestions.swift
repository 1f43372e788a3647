/// "did you mean …" suggestions by edit distance.
enum Suggestions {
  /// The candidate closest to `name`, if it is close enough to be a plausible typo.
  static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased().unicodeScalars)
    let limit = max(1, min(3, target.count / 3 + 1))
    var best: (String, Int)?
    for candidate in candidates where candidate != name {
      let d = distance(target, Array(candidate.lowercased().unicodeScalars), limit: limit)
      if d <= limit, d < target.count, best.map({ d < $0.1 || (d == $0.1 && candidate < $0.0) }) ?? true {
        best = (candidate, d)
      }
    }
    return best?.0
  }

  /// "; did you mean 'x'?" or "".
  static func hint(for name: String, in candidates: some Sequence<String>) -> String {
    closest(to: name, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
  }

  /// Levenshtein distance with adjacent transpositions counted as one edit; stops early past `limit`.
  static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      var rowMin = cur[0]
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
        cur[j] = v
        rowMin = min(rowMin, v)
      }
      if rowMin > limit { return limit + 1 }
      (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
  }
}
