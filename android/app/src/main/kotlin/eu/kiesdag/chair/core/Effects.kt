// The effect handlers the shared core needs, as small interfaces. Nothing in this
// package imports android.*: the Android app plugs in OkHttp and the app's files
// folder, the JVM proof (tests/jvm) plugs in the JDK's WebSocket and a temp folder,
// and both drive the very same Core.
package eu.kiesdag.chair.core

import eu.kiesdag.shared.types.KeyValueOperation
import eu.kiesdag.shared.types.KeyValueResult
import eu.kiesdag.shared.types.ViewModel

/** Key-value storage (crux_kv): answers every operation, never throws. */
fun interface KeyValueStore {
    fun perform(operation: KeyValueOperation): KeyValueResult
}

/** What a WebSocket tells the core about one connection. Called from any thread. */
interface WebSocketListener {
    fun onOpened()
    fun onText(text: String)
    /** The last event of a connection: the peer closed it. */
    fun onClosed(code: Int, reason: String)
    /** The last event of a connection: it could not be made, or broke. */
    fun onFailed(message: String)
}

/** One open (or opening) connection. */
interface WebSocketConnection {
    /** Sends one text frame; frames are sent in the order given. */
    fun send(text: String)
    /** Closes the connection; no more events are needed from it. */
    fun close()
}

/** Opens WebSocket connections: OkHttp on Android, java.net.http on the JVM. */
fun interface WebSocketTransport {
    fun connect(url: String, listener: WebSocketListener): WebSocketConnection
}

/** Something that can be called off. */
fun interface Cancellable {
    fun cancel()
}

/** Timers: runs `action` (on any thread) after `delayMillis`. */
fun interface Timers {
    fun schedule(delayMillis: Long, action: () -> Unit): Cancellable
}

/** The wall clock, in milliseconds since the Unix epoch. */
fun interface WallClock {
    fun nowMillis(): Long
}

/** Receives every new view model, on the core's thread. */
fun interface Renderer {
    fun render(view: ViewModel)
}

/** What went wrong between the shell and the core; the app goes on. */
sealed class ShellError(val message: String) {
    /** The core refused bytes the shell sent it (CoreException.InvalidInput). */
    class Refused(message: String) : ShellError(message)
    /** The core failed inside (CoreException.Internal); restart it from storage. */
    class CoreFault(message: String) : ShellError(message)
    /** Bytes from the core could not be read as the generated types. */
    class Unreadable(message: String) : ShellError(message)

    override fun toString(): String = "${this::class.simpleName}: $message"
}

fun interface ErrorSink {
    fun report(error: ShellError)
}
