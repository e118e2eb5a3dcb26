import HoldfastPOSIX
import HoldfastLinux
import Synchronization

/// Something the over-pressure alarm switches: a buzzer or LED on a GPIO line.
public protocol AlarmSwitch: AnyObject {
    func set(_ on: Bool) throws
}

extension GPIOOutput: AlarmSwitch {}

/// The alarm output with its failures counted: a buzzer that cannot be
/// switched is a fault the therapist must see in the live view, not a line
/// in a log (and never a silent `try?`).
final class AlarmOutput {
    private let output: AlarmSwitch?
    private let log: Log
    private(set) var errors = 0
    private(set) var lastError: String?

    init(_ output: AlarmSwitch?, log: Log) {
        self.output = output
        self.log = log
    }

    func set(_ on: Bool) {
        guard let output else { return }
        do {
            try output.set(on)
        } catch {
            errors += 1
            lastError = "\(error)"
            // Episodes are seconds apart at most; the first failure and every hundredth after are logged.
            if errors == 1 || errors % 100 == 0 { log.error("alarm output: cannot switch it \(on ? "on" : "off"): \(error) (\(errors) failures)") }
        }
    }
}
