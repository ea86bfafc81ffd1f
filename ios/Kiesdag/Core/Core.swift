// The shell's side of the shared core on iOS: sends events, performs every effect the
// core asks for (storage in files, the clock and timers, a WebSocket with
// URLSessionWebSocketTask, render), and publishes the view model for SwiftUI. It
// mirrors the Rust shell (tests/src/shell.rs) and the Android Core (android/app/src/
// main/kotlin/eu/kiesdag/chair/core/Core.kt).
import Combine
import Foundation
import SharedTypes

final class Core: ObservableObject {
    @Published private(set) var view: ViewModel?
    /// The last error between the shell and the core; the app goes on.
    @Published var shellError: String?

    private let ffi = CoreFfi()
    /// Every call into the core happens on this queue, in order.
    private let queue = DispatchQueue(label: "eu.kiesdag.core")
    private let store: KeyValueStore
    private let sockets: WebSocketTransport

    // Owned by `queue`.
    private var connection: UInt64 = 0
    private var socket: WebSocketConnection?
    private var socketRequest: UInt32?
    private var timers: [UInt64: DispatchWorkItem] = [:]

    init(store: KeyValueStore = FileKeyValueStore.inApplicationSupport(),
         sockets: WebSocketTransport = URLSessionWebSocketTransport()) {
        self.store = store
        self.sockets = sockets
        send(.start)
    }

    /// Sends an event (a tap, a life-cycle change) to the core.
    func send(_ event: Event) {
        queue.async {
            do {
                let bytes = try event.bincodeSerialize()
                self.perform(self.call { try self.ffi.update(event: Data(bytes)) })
            } catch {
                self.report("event \(event): \(error)")
            }
        }
    }

    private func report(_ message: String) {
        DispatchQueue.main.async { self.shellError = message }
    }

    /// Calls the core; its typed errors (CoreError) become reports, never crashes.
    private func call(_ body: () throws -> Data) -> Data? {
        do {
            return try body()
        } catch let error as CoreError {
            switch error {
            case let .InvalidInput(message): report("refused: \(message)")
            case let .Internal(message): report("core fault: \(message)")
            }
            return nil
        } catch {
            report("\(error)")
            return nil
        }
    }

    private func resolve(_ id: UInt32, _ output: [UInt8]) -> Data? {
        call { try ffi.resolve(id: id, output: Data(output)) }
    }

    /// Performs the requests in `data`, and those they lead to, in order.
    private func perform(_ data: Data?) {
        var pending: [Request] = []
        func enqueue(_ more: Data?) {
            guard let more else { return }
            do {
                pending.append(contentsOf: try Requests.bincodeDeserialize(input: [UInt8](more)).value)
            } catch {
                report("requests: \(error)")
            }
        }
        enqueue(data)
        var next = 0
        while next < pending.count {
            let request = pending[next]
            next += 1
            switch request.effect {
            case .render:
                render()
            case let .keyValue(operation):
                do {
                    enqueue(resolve(request.id, try store.perform(operation).bincodeSerialize()))
                } catch {
                    report("storage answer: \(error)")
                }
            case let .time(operation):
                enqueue(time(request.id, operation))
            case let .webSocket(operation):
                webSocket(request.id, operation)
            }
        }
    }

    private func render() {
        guard let bytes = call({ try ffi.view() }) else { return }
        do {
            let model = try ViewModel.bincodeDeserialize(input: [UInt8](bytes))
            DispatchQueue.main.async { self.view = model }
        } catch {
            report("view model: \(error)")
        }
    }

    private func time(_ id: UInt32, _ request: TimeRequest) -> Data? {
        do {
            switch request {
            case .now:
                let now = Date().timeIntervalSince1970
                let seconds = floor(now)
                let instant = Instant(seconds: UInt64(seconds), nanos: UInt32((now - seconds) * 1_000_000_000))
                return resolve(id, try TimeResponse.now(instant: instant).bincodeSerialize())
            case let .notifyAfter(timer, duration):
                later(id, timer, after: Double(duration.nanos) / 1_000_000_000, .durationElapsed(id: timer))
                return nil
            case let .notifyAt(timer, instant):
                let at = Double(instant.seconds) + Double(instant.nanos) / 1_000_000_000
                later(id, timer, after: max(0, at - Date().timeIntervalSince1970), .instantArrived(id: timer))
                return nil
            case let .clear(timer):
                timers.removeValue(forKey: timer.value)?.cancel()
                return resolve(id, try TimeResponse.cleared(id: timer).bincodeSerialize())
            }
        } catch {
            report("time: \(error)")
            return nil
        }
    }

    private func later(_ requestId: UInt32, _ timer: TimerId, after seconds: Double, _ response: TimeResponse) {
        let work = DispatchWorkItem { [weak self] in
            guard let self, self.timers.removeValue(forKey: timer.value) != nil else { return }
            do {
                self.perform(self.resolve(requestId, try response.bincodeSerialize()))
            } catch {
                self.report("timer: \(error)")
            }
        }
        timers[timer.value] = work
        queue.asyncAfter(deadline: .now() + seconds, execute: work)
    }

    private func webSocket(_ id: UInt32, _ operation: WebSocketOperation) {
        switch operation {
        case let .connect(url):
            // The shell closes any connection it already has.
            socket?.close()
            connection += 1
            let mine = connection
            socketRequest = id
            socket = sockets.connect(url: url) { [weak self] event in
                self?.socketEvent(from: mine, event)
            }
        case let .send(text):
            socket?.send(text)
        case .close:
            socket?.close()
            socket = nil
            socketRequest = nil
            connection += 1
        }
    }

    /// An event of connection `from`; those of an older connection are dropped.
    private func socketEvent(from: UInt64, _ event: WebSocketEvent) {
        queue.async {
            guard from == self.connection, let request = self.socketRequest else { return }
            switch event {
            case .closed, .failed:
                self.socket = nil
                self.socketRequest = nil
            case .opened, .text:
                break
            }
            do {
                self.perform(self.resolve(request, try event.bincodeSerialize()))
            } catch {
                self.report("socket: \(error)")
            }
        }
    }
}
