import CLinux
import HoldfastPOSIX

/// Puts the calling thread on a real-time priority and a fixed core when
/// permitted, and says what it got when not (an unprivileged user, a
/// container): acquisition still works, with more jitter.
public enum RealtimeScheduling {
    /// Returns one line per setting describing the outcome.
    public static func apply(fifoPriority: Int32?, cpu: Int?) -> [String] {
        var report: [String] = []
        if let priority = fifoPriority {
            var param = sched_param(sched_priority: priority)
            switch valueOrErrno({ sched_setscheduler(0, SCHED_FIFO, &param) }) {
            case .success: report.append("acquisition thread: SCHED_FIFO priority \(priority)")
            case .failure(let e):
                report.append("acquisition thread: SCHED_FIFO \(priority) not permitted (\(e)); "
                    + "running at normal priority (grant LimitRTPRIO or CAP_SYS_NICE)")
            }
        }
        if let cpu {
            switch valueOrErrno({ holdfast_pin_to_cpu(Int32(cpu)) }) {
            case .success: report.append("acquisition thread: pinned to CPU \(cpu)")
            case .failure(let e): report.append("acquisition thread: CPU affinity \(cpu) not permitted (\(e))")
            }
        }
        return report
    }
}
