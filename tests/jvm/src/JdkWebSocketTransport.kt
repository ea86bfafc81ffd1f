// The WebSocket effect on the JVM with java.net.http, in place of the Android app's
// OkHttp transport: the same WebSocketTransport interface, the same Core.
package eu.kiesdag.jvmproof

import eu.kiesdag.chair.core.WebSocketConnection
import eu.kiesdag.chair.core.WebSocketListener
import eu.kiesdag.chair.core.WebSocketTransport
import java.net.URI
import java.net.http.HttpClient
import java.net.http.WebSocket
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

class JdkWebSocketTransport(
    private val client: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
) : WebSocketTransport {
    override fun connect(url: String, listener: WebSocketListener): WebSocketConnection {
        val connection = JdkConnection(listener)
        val uri = try {
            URI(url)
        } catch (e: Exception) {
            connection.fail("bad address $url: ${e.message}")
            return connection
        }
        client.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(uri, connection)
            .whenComplete { _, error -> if (error != null) connection.fail(describe(error)) }
        return connection
    }
}

private fun describe(error: Throwable): String {
    val cause = if (error is java.util.concurrent.CompletionException && error.cause != null) error.cause!! else error
    return "${cause::class.java.simpleName}: ${cause.message ?: ""}".trim()
}

private class JdkConnection(private val listener: WebSocketListener) : WebSocketConnection, WebSocket.Listener {
    private val finished = AtomicBoolean(false)
    private val text = StringBuilder()
    private val lock = Object()
    @Volatile private var socket: WebSocket? = null
    @Volatile private var closedByUs = false
    // The JDK allows one outstanding send: each waits for the one before.
    private var sending: CompletableFuture<*> = CompletableFuture.completedFuture(null)
    private val queuedBeforeOpen = ArrayList<String>()

    fun fail(message: String) {
        if (finished.compareAndSet(false, true) && !closedByUs) listener.onFailed(message)
    }

    override fun onOpen(webSocket: WebSocket) {
        synchronized(lock) {
            socket = webSocket
            for (queued in queuedBeforeOpen) enqueue(webSocket, queued)
            queuedBeforeOpen.clear()
        }
        if (closedByUs) {
            webSocket.abort()
            return
        }
        listener.onOpened()
        webSocket.request(1)
    }

    override fun onText(webSocket: WebSocket, data: CharSequence, last: Boolean): CompletionStage<*>? {
        text.append(data)
        if (last) {
            val frame = text.toString()
            text.setLength(0)
            if (!closedByUs) listener.onText(frame)
        }
        webSocket.request(1)
        return null
    }

    override fun onClose(webSocket: WebSocket, statusCode: Int, reason: String): CompletionStage<*>? {
        if (finished.compareAndSet(false, true) && !closedByUs) listener.onClosed(statusCode, reason)
        return null
    }

    override fun onError(webSocket: WebSocket, error: Throwable) {
        fail(describe(error))
    }

    override fun send(text: String) {
        synchronized(lock) {
            val open = socket
            if (open == null) queuedBeforeOpen.add(text) else enqueue(open, text)
        }
    }

    private fun enqueue(webSocket: WebSocket, text: String) {
        sending = sending
            .handle { _, _ -> null }
            .thenCompose { webSocket.sendText(text, true) }
            .whenComplete { _, error -> if (error != null) fail(describe(error)) }
    }

    override fun close() {
        closedByUs = true
        finished.set(true)
        synchronized(lock) {
            val open = socket ?: return
            sending = sending
                .handle { _, _ -> null }
                .thenCompose { open.sendClose(WebSocket.NORMAL_CLOSURE, "") }
                .orTimeout(2, TimeUnit.SECONDS)
                .whenComplete { _, _ -> open.abort() }
        }
    }
}
