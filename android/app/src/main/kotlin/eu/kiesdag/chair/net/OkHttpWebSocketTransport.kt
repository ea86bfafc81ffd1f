// The WebSocket effect on Android, with OkHttp. No android.* here either; the JVM
// proof uses tests/jvm/src/JdkWebSocketTransport.kt behind the same interface
// because OkHttp's jars cannot be fetched on the build machines.
package eu.kiesdag.chair.net

import eu.kiesdag.chair.core.WebSocketConnection
import eu.kiesdag.chair.core.WebSocketListener
import eu.kiesdag.chair.core.WebSocketTransport
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.Response
import okhttp3.WebSocket
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

class OkHttpWebSocketTransport(
    private val client: OkHttpClient = OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS)
        // The core sends its own heartbeats and judges silence; no OkHttp pings.
        .pingInterval(0, TimeUnit.SECONDS)
        .build(),
) : WebSocketTransport {
    override fun connect(url: String, listener: WebSocketListener): WebSocketConnection {
        val finished = AtomicBoolean(false)
        val closedByUs = AtomicBoolean(false)
        fun last(report: () -> Unit) {
            if (finished.compareAndSet(false, true) && !closedByUs.get()) report()
        }
        val request = try {
            Request.Builder().url(url).build()
        } catch (e: IllegalArgumentException) {
            listener.onFailed("bad address $url: ${e.message}")
            return object : WebSocketConnection {
                override fun send(text: String) {}
                override fun close() {}
            }
        }
        val socket = client.newWebSocket(request, object : okhttp3.WebSocketListener() {
            override fun onOpen(webSocket: WebSocket, response: Response) {
                if (!closedByUs.get()) listener.onOpened()
            }

            override fun onMessage(webSocket: WebSocket, text: String) {
                if (!closedByUs.get()) listener.onText(text)
            }

            override fun onClosing(webSocket: WebSocket, code: Int, reason: String) {
                webSocket.close(code, null)
                last { listener.onClosed(code, reason) }
            }

            override fun onClosed(webSocket: WebSocket, code: Int, reason: String) {
                last { listener.onClosed(code, reason) }
            }

            override fun onFailure(webSocket: WebSocket, t: Throwable, response: Response?) {
                last { listener.onFailed("${t::class.java.simpleName}: ${t.message ?: ""}".trim()) }
            }
        })
        return object : WebSocketConnection {
            // OkHttp queues frames in order; a full queue (16 MiB) fails the socket.
            override fun send(text: String) {
                socket.send(text)
            }

            override fun close() {
                closedByUs.set(true)
                if (!socket.close(1000, null)) socket.cancel()
            }
        }
    }
}
