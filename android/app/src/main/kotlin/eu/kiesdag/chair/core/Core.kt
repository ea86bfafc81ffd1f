// The shell's side of the shared core: sends events, performs every effect the core
// asks for, and hands each new view model to the renderer. It mirrors the Rust shell
// in tests/src/shell.rs. Plain Kotlin (no android.*), so the JVM proof in tests/jvm
// compiles and runs this very file against the real core and server.
package eu.kiesdag.chair.core

import eu.kiesdag.shared.ffi.CoreException
import eu.kiesdag.shared.ffi.CoreFfi
import eu.kiesdag.shared.ffi.CoreFfiInterface
import eu.kiesdag.shared.types.Effect
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Instant
import eu.kiesdag.shared.types.Request
import eu.kiesdag.shared.types.Requests
import eu.kiesdag.shared.types.TimeRequest
import eu.kiesdag.shared.types.TimeResponse
import eu.kiesdag.shared.types.TimerId
import eu.kiesdag.shared.types.ViewModel
import eu.kiesdag.shared.types.WebSocketEvent
import eu.kiesdag.shared.types.WebSocketOperation
import java.util.ArrayDeque
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Drives one shared core. Every call into the core happens on one thread of its own,
 * in order, so the shell never calls the core from two threads at once; handlers may
 * call back from any thread.
 */
class Core(
    private val store: KeyValueStore,
    private val sockets: WebSocketTransport,
    private val timers: Timers,
    private val clock: WallClock,
    private val renderer: Renderer,
    private val errors: ErrorSink,
    private val ffi: CoreFfiInterface = CoreFfi(),
) : AutoCloseable {
    private val thread: ExecutorService = Executors.newSingleThreadExecutor { runnable ->
        Thread(runnable, "kiesdag-core").apply { isDaemon = true }
    }

    // Owned by the core thread.
    private var connection = 0L
    private var socket: WebSocketConnection? = null
    private var socketRequest: UInt? = null
    private val pendingTimers = HashMap<ULong, Cancellable>()

    @Volatile
    var view: ViewModel? = null
        private set

    /** Starts the app: the core reads what it stored. */
    fun start() = send(Event.Start)

    /** Sends an event (a tap, a life-cycle change) to the core. */
    fun send(event: Event) = onCoreThread {
        val bytes = try {
            event.bincodeSerialize()
        } catch (e: Exception) {
            errors.report(ShellError.Unreadable("event $event: ${e.message}"))
            return@onCoreThread
        }
        sendBytes(bytes)
    }

    /**
     * Sends raw bytes as an event. The core refuses bytes that are not an event with a
     * typed error, which reaches the [ErrorSink]; it never crashes the app.
     */
    fun sendBytes(bytes: ByteArray) = onCoreThread {
        call { ffi.update(bytes) }?.let(::perform)
    }

    override fun close() {
        onCoreThread {
            socket?.close()
            socket = null
            socketRequest = null
            pendingTimers.values.forEach { it.cancel() }
            pendingTimers.clear()
        }
        thread.shutdown()
        thread.awaitTermination(5, TimeUnit.SECONDS)
    }

    private fun onCoreThread(block: () -> Unit) {
        if (thread.isShutdown) return
        try {
            thread.execute {
                try {
                    block()
                } catch (e: Exception) {
                    // A handler's bug must not stop the core's thread.
                    errors.report(ShellError.CoreFault("shell: $e"))
                }
            }
        } catch (_: java.util.concurrent.RejectedExecutionException) {
            // Closed meanwhile: late socket and timer events are dropped.
        }
    }

    /** Calls the core, turning its typed errors into reports. */
    private fun call(block: () -> ByteArray): ByteArray? = try {
        block()
    } catch (e: CoreException.InvalidInput) {
        errors.report(ShellError.Refused(e.message ?: e.toString()))
        null
    } catch (e: CoreException.Internal) {
        errors.report(ShellError.CoreFault(e.message ?: e.toString()))
        null
    } catch (e: CoreException) {
        errors.report(ShellError.CoreFault(e.toString()))
        null
    }

    private fun resolve(id: UInt, output: ByteArray): ByteArray? = call { ffi.resolve(id, output) }

    /** Performs the requests in `bytes`, and those they lead to, in order. */
    private fun perform(bytes: ByteArray) {
        val queue = ArrayDeque<Request>()
        fun enqueue(more: ByteArray?) {
            if (more == null) return
            try {
                queue.addAll(Requests.bincodeDeserialize(more).value)
            } catch (e: Exception) {
                errors.report(ShellError.Unreadable("requests: ${e.message}"))
            }
        }
        enqueue(bytes)
        while (true) {
            val request = queue.pollFirst() ?: break
            when (val effect = request.effect) {
                is Effect.Render -> render()
                is Effect.KeyValue ->
                    enqueue(resolve(request.id, store.perform(effect.value).bincodeSerialize()))
                is Effect.Time -> time(request.id, effect.value)?.let { enqueue(it) }
                is Effect.WebSocket -> webSocket(request.id, effect.value)
            }
        }
    }

    private fun render() {
        val bytes = call { ffi.view() } ?: return
        val model = try {
            ViewModel.bincodeDeserialize(bytes)
        } catch (e: Exception) {
            errors.report(ShellError.Unreadable("view model: ${e.message}"))
            return
        }
        view = model
        renderer.render(model)
    }

    private fun time(id: UInt, request: TimeRequest): ByteArray? = when (request) {
        is TimeRequest.Now -> {
            val millis = clock.nowMillis()
            val instant = Instant(
                (millis / 1000).toULong(),
                ((millis % 1000) * 1_000_000).toUInt(),
            )
            resolve(id, TimeResponse.Now(instant).bincodeSerialize())
        }
        is TimeRequest.NotifyAfter -> {
            val millis = (request.duration.nanos / 1_000_000u).toLong()
            later(id, request.id, millis, TimeResponse.DurationElapsed(request.id))
            null
        }
        is TimeRequest.NotifyAt -> {
            val at = request.instant.seconds.toLong() * 1000 + request.instant.nanos.toLong() / 1_000_000
            later(id, request.id, maxOf(0L, at - clock.nowMillis()), TimeResponse.InstantArrived(request.id))
            null
        }
        is TimeRequest.Clear -> {
            pendingTimers.remove(request.id.value)?.cancel()
            resolve(id, TimeResponse.Cleared(request.id).bincodeSerialize())
        }
    }

    private fun later(requestId: UInt, timer: TimerId, millis: Long, response: TimeResponse) {
        pendingTimers[timer.value] = timers.schedule(millis) {
            onCoreThread {
                if (pendingTimers.remove(timer.value) != null) {
                    resolve(requestId, response.bincodeSerialize())?.let(::perform)
                }
            }
        }
    }

    private fun webSocket(id: UInt, operation: WebSocketOperation) {
        when (operation) {
            is WebSocketOperation.Connect -> {
                // The shell closes any connection it already has.
                socket?.close()
                connection += 1
                val mine = connection
                socketRequest = id
                val opened = sockets.connect(operation.url, object : WebSocketListener {
                    override fun onOpened() = socketEvent(mine, WebSocketEvent.Opened)
                    override fun onText(text: String) = socketEvent(mine, WebSocketEvent.Text(text))
                    override fun onClosed(code: Int, reason: String) =
                        socketEvent(mine, WebSocketEvent.Closed(code.toUShort(), reason))
                    override fun onFailed(message: String) =
                        socketEvent(mine, WebSocketEvent.Failed(message))
                })
                socket = opened
            }
            is WebSocketOperation.Send -> socket?.send(operation.text)
            is WebSocketOperation.Close -> {
                socket?.close()
                socket = null
                socketRequest = null
                connection += 1
            }
        }
    }

    /** An event of connection `from`; those of an older connection are dropped. */
    private fun socketEvent(from: Long, event: WebSocketEvent) = onCoreThread {
        val request = socketRequest
        if (from != connection || request == null) return@onCoreThread
        val terminal = event is WebSocketEvent.Closed || event is WebSocketEvent.Failed
        if (terminal) {
            socket = null
            socketRequest = null
        }
        resolve(request, event.bincodeSerialize())?.let(::perform)
    }
}
