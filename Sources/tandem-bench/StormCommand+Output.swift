import Foundation

extension StormCommand {
    func printHeader(_ report: Report) {
        Swift.print("storm: \(report.subscribers) WebSocket subscribers, \(report.changes) changes \(gap) ms apart; epoll load client "
              + "(\(report.clientThreads) thread(s), \(report.inFlight) handshakes in flight); peers: \(peers.map(\.rawValue).joined(separator: ", "))")
        if let snapshot = report.tandemSnapshotBytes, let change = report.tandemChangeBytes {
            Swift.print("Tandem's snapshot is \(snapshot) bytes and a change \(change) bytes; Nchan's first message and changes are as long")
        } else {
            Swift.print("Nchan's first message is \(firstMessageBytes) bytes and a change \(changeBytes) bytes")
        }
    }

    func printResult(_ result: PeerReport) {
        func cpu(_ value: Double?, _ label: String) -> String { value.map { " | \(label) " + String(format: "%.0f ms", $0) } ?? "" }
        Swift.print("\(result.peer), round \(result.round) (\(result.note))")
        let connect = result.connect
        Swift.print(String(format: "  connect  %d in %.2f s (each: p50 %.1f ms, p99 %.1f ms)", subscribers, connect.seconds, connect.p50ms, connect.p99ms)
                     + ", first message \(connect.firstMessageBytes.map(String.init) ?? "?") bytes | failed \(connect.failed), lost \(connect.lost)"
                     + cpu(result.connectCPUms, "peer CPU"))
        let fanOut = result.fanOut
        Swift.print(String(format: "  fan-out  %d changes: first %.2f ms  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms | delivered %d, lost %d",
                           fanOut.changes, fanOut.firstms, fanOut.p50ms, fanOut.p90ms, fanOut.p99ms, fanOut.maxms, fanOut.delivered, fanOut.lost)
                     + cpu(result.fanOutCPUPerChangems, "peer CPU per change"))
        let resume = result.resume
        Swift.print(String(format: "  resume   %d in %.2f s to the last 101 (each: p50 %.1f ms, p99 %.1f ms) | failed %d, lost %d",
                           subscribers, resume.seconds, resume.p50ms, resume.p99ms, resume.failed, resume.lost) + cpu(result.resumeCPUms, "peer CPU"))
        let check = result.resumeCheck
        Swift.print(String(format: "  check    one change after the last 101: p50 %.2f ms  p99 %.2f ms | delivered %d, lost %d, unexpected before it %d",
                           check.p50ms, check.p99ms, check.delivered, check.lost, check.unexpected))
    }

    /// Tandem and Nchan of one round in columns, with Tandem's figure over Nchan's.
    func printSideBySide(_ results: [PeerReport]) {
        guard let tandem = results.first(where: { $0.peer == "Tandem" }), let nchan = results.first(where: { $0.peer == "Nchan" }) else { return }
        for line in Self.sideBySide(tandem: tandem, nchan: nchan, subscribers: subscribers) { Swift.print(line) }
    }

    static func sideBySide(tandem: PeerReport, nchan: PeerReport, subscribers: Int) -> [String] {
        func row(_ label: String, _ t: Double, _ n: Double, _ format: String) -> String {
            let ratio = n > 0 ? String(format: "%.2f×", t / n) : "–"
            return label.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: format, t).leftPadded(12) + String(format: format, n).leftPadded(12) + ratio.leftPadded(14)
        }
        return [
            "".padding(toLength: 44, withPad: " ", startingAt: 0) + "Tandem".leftPadded(12) + "Nchan".leftPadded(12) + "Tandem/Nchan".leftPadded(14),
            row("all \(subscribers) connect, first message (s)", tandem.connect.seconds, nchan.connect.seconds, "%.2f"),
            row("all \(subscribers) resume, to the last 101 (s)", tandem.resume.seconds, nchan.resume.seconds, "%.2f"),
            row("one change to its first subscriber (ms)", tandem.fanOut.firstms, nchan.fanOut.firstms, "%.1f"),
            row("one change to all: p50 (ms)", tandem.fanOut.p50ms, nchan.fanOut.p50ms, "%.1f"),
            row("one change to all: p99 (ms)", tandem.fanOut.p99ms, nchan.fanOut.p99ms, "%.1f"),
            "failed / lost".padding(toLength: 44, withPad: " ", startingAt: 0)
                + "\(tandem.failed) / \(tandem.lost)".leftPadded(12) + "\(nchan.failed) / \(nchan.lost)".leftPadded(12),
        ]
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
