import Foundation
import MNLTensor

extension Builtins {
  /// The fused updates under stdlib/optim.mnl's optimisers: each walks the parameter tree, its
  /// gradients and the optimiser's state trees together and updates every parameter tensor
  /// and its state in one pass over memory.
  static let optimizers: [BuiltinFunction] = [
    BuiltinFunction(
      "momentum_update",
      [.init("params"), .init("grads"), .init("buffers"), .init("learning_rate"), .init("momentum", default: .float(0.9)),
       .init("nesterov", default: .bool(false)), .init("weight_decay", default: .float(0))],
      doc: "SGD with momentum in place (torch.optim.SGD, dampening 0): b = μ·b + g; p −= lr·b, or lr·(g + μ·b) when nesterov."
    ) { ctx in
      let step = OptimizerStep(
        kind: .momentum(nesterov: try ctx.bool(5)), learningRate: try ctx.float(3),
        weightDecay: try ctx.float(6), beta1: try ctx.float(4))
      try applyOptimizer(ctx, step, states: [ctx[2]])
      return .none
    },
    BuiltinFunction(
      "adam_update",
      [.init("params"), .init("grads"), .init("m"), .init("v"), .init("step"), .init("learning_rate"),
       .init("beta1", default: .float(0.9)), .init("beta2", default: .float(0.999)), .init("epsilon", default: .float(1e-8)),
       .init("weight_decay", default: .float(0)), .init("decoupled", default: .bool(false))],
      doc: "Adam in place (torch.optim.Adam; AdamW when decoupled): bias-corrected moments m, v at step t (from 1)."
    ) { ctx in
      let t = try ctx.int(4)
      guard t >= 1 else { throw ScriptError("adam_update(): step counts from 1, got \(t)") }
      let (b1, b2) = (try ctx.double(6), try ctx.double(7))
      guard (0..<1).contains(b1), (0..<1).contains(b2) else {
        throw ScriptError("adam_update(): beta1 and beta2 must be in [0, 1), got \(b1) and \(b2)")
      }
      let decoupled = try ctx.bool(10)
      let (lr, decay, epsilon) = (try ctx.float(5), try ctx.float(9), try ctx.float(8))
      let c1: Double = 1 - pow(b1, Double(t))
      let c2: Double = 1 - pow(b2, Double(t))
      let step = OptimizerStep(
        kind: .adam(decoupled: decoupled), learningRate: lr, weightDecay: decay, beta1: Float(b1),
        beta2: Float(b2), epsilon: epsilon, correction1: Float(c1), correction2: Float(c2))
      try applyOptimizer(ctx, step, states: [ctx[2], ctx[3]])
      return .none
    },
    BuiltinFunction(
      "rmsprop_update",
      [.init("params"), .init("grads"), .init("square_avg"), .init("buffers"), .init("learning_rate"),
       .init("alpha", default: .float(0.99)), .init("epsilon", default: .float(1e-8)),
       .init("momentum", default: .float(0)), .init("weight_decay", default: .float(0))],
      doc: "RMSProp in place (torch.optim.RMSprop): s = α·s + (1−α)·g²; p −= lr·g/(√s + ε) (through a momentum buffer when momentum > 0)."
    ) { ctx in
      let momentum = try ctx.float(7)
      let step = OptimizerStep(
        kind: .rmsprop, learningRate: try ctx.float(4), weightDecay: try ctx.float(8), beta1: momentum,
        beta2: try ctx.float(5), epsilon: try ctx.float(6))
      try applyOptimizer(ctx, step, states: momentum > 0 ? [ctx[2], ctx[3]] : [ctx[2]])
      return .none
    },
  ]

  /// Pairs every parameter leaf with its gradient and state leaves (same structure) and
  /// applies `step` to each. `weightDecay`, when given, is a number for every leaf or a tree
  /// of numbers shaped like the parameters (0 for the biases, say), overriding the step's.
  static func applyOptimizer(
    _ ctx: CallContext, _ step: OptimizerStep, states: [Value], stateName: String = "state",
    weightDecay: Value? = nil
  ) throws {
    let name = ctx.function.name
    let params = try ParameterSlot.slots(of: ctx[0])
    let grads = try ParameterSlot.slots(of: ctx[1])
    let stateSlots = try states.map { try ParameterSlot.slots(of: $0) }
    for (label, tree) in [("grads", grads)] + stateSlots.map({ (stateName, $0) }) {
      try checkMatches(tree, params, label, name)
    }
    let decays = try weightDecay.map { try leafWeightDecays($0, params, name) }
    for i in params.indices {
      let slot = params[i]
      if case .int = slot.value {
        throw ScriptError("\(name)(): cannot update the int at \(slot.path) in place; make it a float (1.0, not 1)")
      }
      let gradient: Tensor
      switch grads[i].value.readingTracedValue {
      case .tensor(let t): gradient = t
      case .float(let d): gradient = Tensor(scalar: Float(d))
      case .int(let n): gradient = Tensor(scalar: Float(n))
      case let other: throw ScriptError("\(name)(): expected a tensor gradient at \(slot.path), found \(other.typeName)")
      }
      var leafStep = step
      if let decays { leafStep.weightDecay = decays[i] }
      let paramWasNumber = slot.holdsNumber
      var p = try slot.take()
      defer { slot.put(p, wasNumber: paramWasNumber) }
      let s1Slot = stateSlots.first?[i]
      let s1WasNumber = s1Slot?.holdsNumber ?? false
      var s1 = try s1Slot?.take()
      defer { if let s1Slot, let s1 { s1Slot.put(s1, wasNumber: s1WasNumber) } }
      let s2Slot = stateSlots.count > 1 ? stateSlots[1][i] : nil
      let s2WasNumber = s2Slot?.holdsNumber ?? false
      var s2 = try s2Slot?.take()
      defer { if let s2Slot, let s2 { s2Slot.put(s2, wasNumber: s2WasNumber) } }
      do {
        try p.applyOptimizer(leafStep, gradient: gradient, state1: &s1, state2: &s2)
      } catch let e as TensorError {
        throw ScriptError("\(name)() at \(slot.path): \(e.message)")
      }
    }
  }

  private static func checkMatches(
    _ tree: [ParameterSlot], _ params: [ParameterSlot], _ label: String, _ name: String
  ) throws {
    guard tree.map(\.path) != params.map(\.path) else { return }
    let missing = params.map(\.path).first { p in !tree.contains { $0.path == p } }
    throw ScriptError(
      "\(name)(): the \(label) tree does not match the parameters"
        + (missing.map { ": \($0) is missing" } ?? " (\(tree.count) vs \(params.count) leaves)"))
  }

  /// One decay per parameter leaf from a number or a tree of numbers like the parameters
  /// (matched by path, so its keys may come in any order).
  private static func leafWeightDecays(_ value: Value, _ params: [ParameterSlot], _ name: String) throws -> [Float] {
    if let d = value.asDouble { return Array(repeating: Float(d), count: params.count) }
    var byPath: [String: Float] = [:]
    for leaf in try ParameterSlot.slots(of: value) {
      guard let d = leaf.value.asDouble else {
        throw ScriptError("\(name)(): weight_decay at \(leaf.path) must be a number, found \(leaf.value.typeName)")
      }
      guard params.contains(where: { $0.path == leaf.path }) else {
        throw ScriptError("\(name)(): weight_decay has \(leaf.path), which is not a parameter")
      }
      byPath[leaf.path] = Float(d)
    }
    return try params.map { slot in
      guard let d = byPath[slot.path] else {
        throw ScriptError("\(name)(): weight_decay has no entry for \(slot.path)")
      }
      return d
    }
  }
}
