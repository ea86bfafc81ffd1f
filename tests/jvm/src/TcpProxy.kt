// A TCP proxy between the device and the server that the proof controls: it can cut
// every connection and refuse new ones (the network is gone), and it can swallow
// what the server says while still passing what the device says (acks lost on the
// way back, so the device must send again and the server must not count twice).
package eu.kiesdag.jvmproof

import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.Collections

class TcpProxy(private val upstreamPort: Int) : AutoCloseable {
    private val listener = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    val port: Int get() = listener.localPort
    private val open = Collections.synchronizedSet(HashSet<Socket>())

    @Volatile var up = true
        private set
    /** While set, bytes from the server are read and dropped. */
    @Volatile var dropReplies = false

    init {
        Thread({ accept() }, "proxy-accept").apply { isDaemon = true }.start()
    }

    private fun accept() {
        while (!listener.isClosed) {
            val client = try {
                listener.accept()
            } catch (_: Exception) {
                return
            }
            if (!up) {
                client.close()
                continue
            }
            val server = try {
                Socket().apply { connect(InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000) }
            } catch (_: Exception) {
                client.close()
                continue
            }
            open.add(client)
            open.add(server)
            pipe(client.getInputStream(), server.getOutputStream(), client, server, fromServer = false)
            pipe(server.getInputStream(), client.getOutputStream(), client, server, fromServer = true)
        }
    }

    private fun pipe(input: InputStream, output: OutputStream, a: Socket, b: Socket, fromServer: Boolean) {
        Thread({
            val buffer = ByteArray(16 * 1024)
            try {
                while (true) {
                    val n = input.read(buffer)
                    if (n < 0) break
                    if (fromServer && dropReplies) continue
                    output.write(buffer, 0, n)
                    output.flush()
                }
            } catch (_: Exception) {
            } finally {
                a.close()
                b.close()
                open.remove(a)
                open.remove(b)
            }
        }, "proxy-pipe").apply { isDaemon = true }.start()
    }

    /** The network goes: every connection is cut, new ones are refused. */
    fun cut() {
        up = false
        synchronized(open) {
            open.forEach { runCatching { it.close() } }
            open.clear()
        }
    }

    /** The network comes back. */
    fun restore() {
        dropReplies = false
        up = true
    }

    override fun close() {
        cut()
        listener.close()
    }
}
