// Key-value storage (crux_kv) in files: one file a key in Application Support/kiesdag,
// written atomically so a killed app finds the old value or the new one, never half.
import Foundation
import SharedTypes

protocol KeyValueStore {
    func perform(_ operation: KeyValueOperation) -> KeyValueResult
}

final class FileKeyValueStore: KeyValueStore {
    private let folder: URL

    init(folder: URL) {
        self.folder = folder
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static func inApplicationSupport() -> FileKeyValueStore {
        let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        return FileKeyValueStore(folder: base.appendingPathComponent("kiesdag", isDirectory: true))
    }

    func perform(_ operation: KeyValueOperation) -> KeyValueResult {
        do {
            switch operation {
            case let .get(key):
                return .ok(response: .get(value: value(try read(key))))
            case let .set(key, bytes):
                let previous = try read(key)
                try Data(bytes).write(to: file(key), options: [.atomic, .completeFileProtectionUntilFirstUserAuthentication])
                return .ok(response: .set(previous: value(previous)))
            case let .delete(key):
                let previous = try read(key)
                if previous != nil { try FileManager.default.removeItem(at: file(key)) }
                return .ok(response: .delete(previous: value(previous)))
            case let .exists(key):
                return .ok(response: .exists(isPresent: FileManager.default.fileExists(atPath: file(key).path)))
            case let .listKeys(prefix, _):
                // Every key in one page: the core's keys are few (one per unsent report).
                let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                let keys = names.compactMap { $0.removingPercentEncoding }.filter { $0.hasPrefix(prefix) }.sorted()
                return .ok(response: .listKeys(keys: keys, nextCursor: 0))
            }
        } catch {
            return .err(error: .io(message: error.localizedDescription))
        }
    }

    private func value(_ data: Data?) -> Value {
        guard let data else { return .none }
        return .bytes([UInt8](data))
    }

    private func read(_ key: String) throws -> Data? {
        let url = file(key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try Data(contentsOf: url)
    }

    private static let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")

    private func file(_ key: String) -> URL {
        let name = key.addingPercentEncoding(withAllowedCharacters: Self.safe) ?? key
        return folder.appendingPathComponent(name, isDirectory: false)
    }
}
