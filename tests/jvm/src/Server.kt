// The real server: `kiesdag` administration commands on a SQLite file in a temp
// folder, `kiesdag serve` as a child process, and the staff's REST API and dashboard
// WebSocket to see what the server holds.
package eu.kiesdag.jvmproof

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.net.http.WebSocket
import java.time.Duration
import java.util.concurrent.CompletionStage
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

class Kiesdag(private val binary: File, private val folder: File) {
    val database = File(folder, "kiesdag.db")
    private val secret = "jvm-proof-" + java.util.UUID.randomUUID().toString().replace("-", "")

    private fun command(vararg args: String) =
        ProcessBuilder(listOf(binary.path, "--db", database.path) + args).apply {
            environment()["KIESDAG_JWT_SECRET"] = secret
            environment()["RUST_LOG"] = "warn"
        }

    /** Runs an administration command; its standard output, or an exception. */
    fun run(vararg args: String, input: String = ""): String {
        val errors = File.createTempFile("kiesdag-cli", ".log", folder)
        val process = command(*args).redirectError(errors).start()
        process.outputStream.use { it.write(input.toByteArray()) }
        val out = process.inputStream.bufferedReader().readText()
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            error("kiesdag ${args.joinToString(" ")} did not finish")
        }
        check(process.exitValue() == 0) {
            "kiesdag ${args.joinToString(" ")} failed (${process.exitValue()}): ${errors.readText()}"
        }
        return out
    }

    /** Starts `kiesdag serve` on a free port and waits until it listens. */
    fun serve(): ServerProcess {
        val log = File(folder, "serve.log")
        val process = command("serve", "--listen", "127.0.0.1:0")
            .redirectError(ProcessBuilder.Redirect.appendTo(log))
            .start()
        val line = process.inputStream.bufferedReader().readLine()
            ?: error("kiesdag serve stopped: ${log.readText()}")
        val base = line.removePrefix("kiesdag listening on ").trim()
        check(base.startsWith("http://")) { "unexpected first line: $line" }
        return ServerProcess(process, base, log)
    }
}

class ServerProcess(private val process: Process, val base: String, val log: File) : AutoCloseable {
    val port: Int = URI(base).port
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    val alive: Boolean get() = process.isAlive

    fun request(method: String, path: String, token: String? = null, body: String? = null): Pair<Int, String> {
        val request = HttpRequest.newBuilder(URI(base + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body))
            .apply {
                if (body != null) header("Content-Type", "application/json")
                if (token != null) header("Authorization", "Bearer $token")
            }
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    /** Signs a staff member in through the REST API; the access token. */
    fun login(username: String, password: String): String {
        val (status, body) = request(
            "POST",
            "/api/login",
            body = "{\"username\":${jsonString(username)},\"password\":${jsonString(password)}}",
        )
        check(status == 200) { "login: $status $body" }
        return (parseJson(body) as Map<*, *>)["access_token"] as String
    }

    /**
     * Every event the server holds for `municipality`, through the dashboard's resume
     * from sequence 0: the changes as the control room receives them.
     */
    fun allChanges(token: String, municipality: String): List<Map<*, *>> {
        val frames = LinkedBlockingQueue<String>()
        val text = StringBuilder()
        val socket = http.newWebSocketBuilder()
            .buildAsync(
                URI(base.replace("http://", "ws://") + "/ws/dashboard"),
                object : WebSocket.Listener {
                    override fun onText(webSocket: WebSocket, data: CharSequence, last: Boolean): CompletionStage<*>? {
                        text.append(data)
                        if (last) {
                            frames.add(text.toString())
                            text.setLength(0)
                        }
                        webSocket.request(1)
                        return null
                    }
                },
            )
            .get(10, TimeUnit.SECONDS)
        try {
            socket.sendText(
                "{\"type\":\"subscribe\",\"token\":${jsonString(token)},\"municipality\":${jsonString(municipality)},\"since_seq\":0}",
                true,
            ).get(10, TimeUnit.SECONDS)
            val changes = ArrayList<Map<*, *>>()
            var first = true
            while (true) {
                // The resume comes at once; then nothing new for a while means all is in.
                val frame = frames.poll(if (first) 10_000 else 1_500, TimeUnit.MILLISECONDS) ?: break
                first = false
                val message = parseJson(frame) as Map<*, *>
                when (message["type"]) {
                    "changes" -> (message["changes"] as List<*>).forEach { changes.add(it as Map<*, *>) }
                    "error" -> error("dashboard refused: $frame")
                }
            }
            return changes
        } finally {
            socket.abort()
        }
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}
