// The WebSocket effect with URLSessionWebSocketTask. Each connection reports opened,
// text frames, and last closed or failed, as the core's WebSocketEvent.
import Foundation
import SharedTypes

protocol WebSocketConnection: AnyObject {
    func send(_ text: String)
    func close()
}

protocol WebSocketTransport {
    func connect(url: String, onEvent: @escaping (WebSocketEvent) -> Void) -> WebSocketConnection
}

final class URLSessionWebSocketTransport: WebSocketTransport {
    func connect(url: String, onEvent: @escaping (WebSocketEvent) -> Void) -> WebSocketConnection {
        URLSessionConnection(url: url, onEvent: onEvent)
    }
}

private final class URLSessionConnection: NSObject, WebSocketConnection, URLSessionWebSocketDelegate {
    private let onEvent: (WebSocketEvent) -> Void
    private var session: URLSession?
    private var task: URLSessionWebSocketTask?
    private let lock = NSLock()
    private var finished = false
    private var closedByUs = false

    init(url: String, onEvent: @escaping (WebSocketEvent) -> Void) {
        self.onEvent = onEvent
        super.init()
        guard let address = URL(string: url) else {
            finish(.failed(message: "bad address \(url)"))
            return
        }
        let configuration = URLSessionConfiguration.default
        configuration.timeoutIntervalForRequest = 20
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        self.session = session
        let task = session.webSocketTask(with: address)
        self.task = task
        task.resume()
    }

    private func finish(_ event: WebSocketEvent) {
        lock.lock()
        let report = !finished && !closedByUs
        finished = true
        lock.unlock()
        if report { onEvent(event) }
        session?.finishTasksAndInvalidate()
    }

    private var reporting: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !finished && !closedByUs
    }

    private func receive() {
        task?.receive { [weak self] result in
            guard let self else { return }
            switch result {
            case let .success(.string(text)):
                if self.reporting { self.onEvent(.text(text: text)) }
                self.receive()
            case .success:
                self.receive() // binary frames are not the protocol; skip them
            case let .failure(error):
                self.finish(.failed(message: error.localizedDescription))
            }
        }
    }

    func urlSession(_ session: URLSession, webSocketTask: URLSessionWebSocketTask, didOpenWithProtocol protocol: String?) {
        if reporting { onEvent(.opened) }
        receive()
    }

    func urlSession(_ session: URLSession, webSocketTask: URLSessionWebSocketTask,
                    didCloseWith closeCode: URLSessionWebSocketTask.CloseCode, reason: Data?) {
        let text = reason.flatMap { String(data: $0, encoding: .utf8) } ?? ""
        finish(.closed(code: UInt16(clamping: closeCode.rawValue), reason: text))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        finish(.failed(message: error?.localizedDescription ?? "connection ended"))
    }

    func send(_ text: String) {
        // URLSessionWebSocketTask sends in the order given.
        task?.send(.string(text)) { [weak self] error in
            if let error { self?.finish(.failed(message: error.localizedDescription)) }
        }
    }

    func close() {
        lock.lock()
        closedByUs = true
        lock.unlock()
        task?.cancel(with: .normalClosure, reason: nil)
        session?.finishTasksAndInvalidate()
    }
}
