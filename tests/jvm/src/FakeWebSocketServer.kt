// A tiny WebSocket server on the JDK alone (RFC 6455 handshake and framing), standing
// in for a broken or hostile server: to every frame the device sends it answers with
// a text frame that is not the protocol, then with a frame no WebSocket may carry.
package eu.kiesdag.jvmproof

import java.io.DataInputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.security.MessageDigest
import java.util.Base64
import java.util.concurrent.CopyOnWriteArrayList

class FakeWebSocketServer : AutoCloseable {
    private val listener = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    val url: String get() = "ws://127.0.0.1:${listener.localPort}/ws/station"
    /** Text frames the device sent. */
    val received = CopyOnWriteArrayList<String>()

    init {
        Thread({ accept() }, "fake-ws").apply { isDaemon = true }.start()
    }

    private fun accept() {
        while (!listener.isClosed) {
            val socket = try {
                listener.accept()
            } catch (_: Exception) {
                return
            }
            Thread({ serve(socket) }, "fake-ws-conn").apply { isDaemon = true }.start()
        }
    }

    private fun serve(socket: Socket) = socket.use {
        try {
            val input = DataInputStream(socket.getInputStream())
            val output = socket.getOutputStream()
            val key = handshake(input) ?: return
            val accept = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").toByteArray()),
            )
            output.write(
                ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Accept: $accept\r\n\r\n").toByteArray(),
            )
            output.flush()
            val first = readFrame(input) ?: return
            received.add(first)
            // Not JSON, so not any message of the protocol.
            frame(output, 0x1, "{\"type\":\"activated\", this is not JSON".toByteArray())
            Thread.sleep(300)
            // Opcode 0x3 is reserved: a client must fail the connection.
            frame(output, 0x3, byteArrayOf(1, 2, 3))
            Thread.sleep(1_000)
        } catch (_: Exception) {
        }
    }

    private fun handshake(input: DataInputStream): String? {
        val head = StringBuilder()
        while (!head.endsWith("\r\n\r\n")) {
            val b = input.read()
            if (b < 0) return null
            head.append(b.toChar())
        }
        return head.lines()
            .firstOrNull { it.lowercase().startsWith("sec-websocket-key:") }
            ?.substringAfter(':')?.trim()
    }

    /** One client frame (masked), as text. */
    private fun readFrame(input: DataInputStream): String? {
        val b0 = input.read()
        if (b0 < 0) return null
        val b1 = input.read()
        var length = (b1 and 0x7f).toLong()
        if (length == 126L) length = input.readUnsignedShort().toLong()
        if (length == 127L) length = input.readLong()
        val mask = ByteArray(4)
        if (b1 and 0x80 != 0) input.readFully(mask)
        val payload = ByteArray(length.toInt())
        input.readFully(payload)
        for (i in payload.indices) payload[i] = (payload[i].toInt() xor mask[i % 4].toInt()).toByte()
        return String(payload, Charsets.UTF_8)
    }

    private fun frame(output: OutputStream, opcode: Int, payload: ByteArray) {
        output.write(0x80 or opcode)
        require(payload.size < 126)
        output.write(payload.size)
        output.write(payload)
        output.flush()
    }

    override fun close() {
        listener.close()
    }
}
