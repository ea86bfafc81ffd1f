// The JVM proof: the Android app's Core and effect handlers (android/app/src/main/
// kotlin/eu/kiesdag/chair/core, compiled here as they are) over the generated Kotlin
// bindings and the host libshared.so, against a real `kiesdag serve`.
//
// Usage: MainKt --kiesdag target/debug/kiesdag
package eu.kiesdag.jvmproof

import eu.kiesdag.chair.core.Core
import eu.kiesdag.chair.core.ExecutorTimers
import eu.kiesdag.chair.core.FileKeyValueStore
import eu.kiesdag.chair.core.ShellError
import eu.kiesdag.chair.core.SystemWallClock
import eu.kiesdag.chair.core.WebSocketConnection
import eu.kiesdag.chair.core.WebSocketListener
import eu.kiesdag.chair.core.WebSocketTransport
import eu.kiesdag.chair.net.OkHttpWebSocketTransport
import eu.kiesdag.shared.types.ConnectionState
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Language
import eu.kiesdag.shared.types.OperationState
import eu.kiesdag.shared.types.Page
import eu.kiesdag.shared.types.StaffRole
import eu.kiesdag.shared.types.StationPhase
import eu.kiesdag.shared.types.TurnoutMoment
import eu.kiesdag.shared.types.ViewModel
import java.io.File
import java.nio.file.Files
import java.time.ZoneId
import java.time.ZonedDateTime
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.system.exitProcess

private var passed = 0
private var failed = 0
private var scope = ""

private fun check(name: String, ok: Boolean, detail: () -> String = { "" }) {
    if (ok) {
        passed++
        println("PASS: $scope$name")
    } else {
        failed++
        println("FAIL: $scope$name${detail().let { if (it.isEmpty()) "" else " — $it" }}")
    }
}

/** A device: the app's Core on files in `folder`, with the JDK's WebSocket. */
class Device(val folder: File, transport: WebSocketTransport) : AutoCloseable {
    val errors = CopyOnWriteArrayList<ShellError>()
    val history = CopyOnWriteArrayList<ViewModel>()
    val failures = CopyOnWriteArrayList<String>()
    val store = FileKeyValueStore(folder)
    private val timers = ExecutorTimers()
    val core = Core(
        store = store,
        sockets = recording(transport),
        timers = timers,
        clock = SystemWallClock,
        renderer = { history.add(it) },
        errors = { errors.add(it) },
    )

    /** Keeps the transport's failures, to show what the WebSocket itself reported. */
    private fun recording(inner: WebSocketTransport) = WebSocketTransport { url, listener ->
        inner.connect(url, object : WebSocketListener by listener {
            override fun onFailed(message: String) {
                failures.add(message)
                listener.onFailed(message)
            }
        })
    }

    val view: ViewModel? get() = core.view

    fun send(event: Event) = core.send(event)

    fun waitFor(seconds: Int, done: (ViewModel) -> Boolean): ViewModel? {
        val until = System.nanoTime() + seconds * 1_000_000_000L
        while (System.nanoTime() < until) {
            core.view?.let { if (done(it)) return it }
            Thread.sleep(20)
        }
        return null
    }

    fun describe(): String = core.view?.let {
        "screen=${it.screen} phase=${it.phase} connection=${it.connection.state} " +
            "sync=(saving ${it.sync.saving}, pending ${it.sync.pending}, sent ${it.sync.sent}, confirmed ${it.sync.confirmed}) " +
            "notice=${it.notice?.text} errors=$errors"
    } ?: "no view yet; errors=$errors"

    override fun close() {
        core.close()
        timers.close()
    }
}

private fun settled(v: ViewModel) = v.sync.saving == 0u && v.sync.pending == 0u && v.sync.sent == 0u

private fun turnout(count: Int) = Event.ReportTurnout(count.toUInt(), TurnoutMoment.AdHoc, null)

fun main(args: Array<String>) {
    val kiesdagPath = args.toList().zipWithNext().firstOrNull { it.first == "--kiesdag" }?.second
        ?: "target/debug/kiesdag"
    val started = System.nanoTime()
    // The whole day twice: with the JDK's WebSocket, and with the Android app's own
    // OkHttp transport (compiled against Debian's OkHttp 3.13, whose WebSocket API is
    // the one the app uses from OkHttp 4).
    val transports = listOf<Pair<String, () -> WebSocketTransport>>(
        "jdk" to { JdkWebSocketTransport() },
        "okhttp" to { OkHttpWebSocketTransport() },
    )
    for ((name, transport) in transports) {
        scope = "[$name] "
        println("jvm-proof: the chair's day with the $name WebSocket transport")
        val temp = Files.createTempDirectory("kiesdag-jvm-proof").toFile()
        var server: ServerProcess? = null
        try {
            run(File(kiesdagPath), temp, transport) { server = it }
        } catch (e: Throwable) {
            check("the proof ran to its end", false) { e.toString() }
            e.printStackTrace(System.out)
            server?.log?.takeIf { it.exists() }?.let { println("server log:\n" + it.readText().takeLast(4000)) }
        } finally {
            server?.close()
            temp.deleteRecursively()
        }
    }
    scope = ""
    val seconds = (System.nanoTime() - started) / 1_000_000_000.0
    println("jvm-proof: ran in %.1f s".format(seconds))
    println("jvm: $passed passed, $failed failed")
    exitProcess(if (failed == 0 && passed > 0) 0 else 1)
}

private fun run(binary: File, temp: File, transport: () -> WebSocketTransport, onServer: (ServerProcess) -> Unit) {
    require(binary.canExecute()) { "kiesdag binary missing at $binary (cargo build --bin kiesdag)" }

    // A Dutch election that is open all of today, one station, a code and a user.
    val amsterdam = ZoneId.of("Europe/Amsterdam")
    var now = ZonedDateTime.now(amsterdam)
    if (now.hour == 23 && now.minute >= 55) {
        // Too close to the end of the day for the election below: wait for the next.
        Thread.sleep(java.time.Duration.between(now, now.plusDays(1).toLocalDate().atTime(0, 1).atZone(amsterdam)).toMillis())
        now = ZonedDateTime.now(amsterdam)
    }
    val kiesdag = Kiesdag(binary, temp)
    kiesdag.run(
        "election", "init", "--id", "JVM", "--name", "JVM-proef", "--date", now.toLocalDate().toString(),
        "--opens", "00:00", "--closes", "23:59", "--moments", "", "--lists", "Lijst A;Lijst B",
    )
    val csv = File(temp, "stations.csv")
    csv.writeText(
        "Gemeente,CBS gemeentecode,Nummer stembureau,Naam stembureau,Straatnaam,Huisnummer,Huisletter," +
            "Huisnummertoevoeging,Postcode,Plaats,Latitude,Longitude,Openingstijd,Sluitingstijd\n" +
            "Rotterdam,GM0599,1,Stadhuis,Coolsingel,40,,,3011AD,Rotterdam,51.9225,4.4792,,\n",
    )
    kiesdag.run("import", "stations", csv.path, "--election", "JVM")
    val code = kiesdag.run("codes", "issue", "--station", "GM0599-1", "--hours", "2")
        .lines().first { it.startsWith("GM0599-1\t") }.split('\t')[1]
    val password = "jvm-proef-wachtwoord-123"
    kiesdag.run("user", "create", "--username", "jvm-proef", "--role", "coordinator", "--municipality", "GM0599", input = password + "\n")
    val server = kiesdag.serve()
    onServer(server)
    println("jvm-proof: kiesdag serve on ${server.base}, database ${kiesdag.database}")

    val proxy = TcpProxy(server.port)
    val stationUrl = "ws://127.0.0.1:${proxy.port}/ws/station"
    val deviceFolder = File(temp, "device")

    var device = Device(deviceFolder, transport())
    device.core.start()
    check("the core starts from empty files and renders the activation screen",
        device.waitFor(10) { !it.loading && it.page is Page.Activation } != null) { device.describe() }

    // Bytes that are not an event: the core refuses them with a typed error, which
    // reaches Kotlin as CoreException.InvalidInput; the app goes on.
    device.core.sendBytes(byteArrayOf(-1, -1, -1, -1, 9))
    device.send(Event.SetLanguage(Language.ENGLISH))
    val english = device.waitFor(5) { it.language == Language.ENGLISH }
    check("garbage bytes sent to the core surface as CoreException.InvalidInput in Kotlin, and the core goes on",
        english != null && device.errors.size == 1 && device.errors[0] is ShellError.Refused) { device.describe() }
    device.send(Event.SetLanguage(Language.DUTCH))

    // Activation, through the proxy.
    device.send(Event.Activate(stationUrl, code))
    val activated = device.waitFor(20) { it.connection.state == ConnectionState.ONLINE && it.page is Page.Opening }
    check("activates the station against kiesdag serve and goes online",
        activated != null && activated.station?.stationName == "Stadhuis") { device.describe() }

    // Opening: the checklist and enough members present.
    val opening = (device.view?.page as? Page.Opening)?.value
    check("the opening screen lists the checklist and the minimum of members", opening != null && opening.checklist.isNotEmpty()) { device.describe() }
    opening?.checklist?.forEach { device.send(Event.ToggleChecklistItem(it.id)) }
    for (n in 1..(opening?.minMembers?.toInt() ?: 3)) device.send(Event.AddMember("Lid $n", if (n == 1) StaffRole.CHAIR else StaffRole.MEMBER))
    device.waitFor(5) { (it.page as? Page.Opening)?.value?.canOpen == true }
    device.send(Event.OpenStation)
    val open = device.waitFor(20) { it.phase == StationPhase.OPEN && settled(it) && it.sync.confirmed == 1uL }
    check("opens the station and the server confirms the opening", open != null) { device.describe() }

    device.send(turnout(120))
    check("reports turnout 120 online and the server confirms it",
        device.waitFor(20) { settled(it) && it.sync.confirmed == 2uL } != null) { device.describe() }

    // The server's acks are lost on the way back: the device sent 250, the server
    // committed it, the device does not know.
    proxy.dropReplies = true
    device.send(turnout(250))
    val sent = device.waitFor(10) { it.sync.sent == 1u }
    val token = server.login("jvm-proef", password)
    var heldBeforeCut = emptyList<Int>()
    val deadline = System.nanoTime() + 10_000_000_000L
    while (System.nanoTime() < deadline) {
        heldBeforeCut = turnoutCounts(server.allChanges(token, "GM0599"))
        if (250 in heldBeforeCut) break
        Thread.sleep(200)
    }
    check("with the acks lost, turnout 250 is committed by the server but still unconfirmed on the device",
        sent != null && 250 in heldBeforeCut && device.view?.sync?.confirmed == 2uL) { "server holds $heldBeforeCut; ${device.describe()}" }

    // The network goes.
    proxy.cut()
    check("the connection is lost and the device shows it is offline",
        device.waitFor(15) { it.connection.state != ConnectionState.ONLINE && it.sync.sent == 0u } != null) { device.describe() }

    device.send(turnout(300))
    device.send(turnout(410))
    val queued = device.waitFor(10) { it.sync.saving == 0u && it.sync.pending == 3u }
    val outbox = device.store.keys().filter { it.startsWith("outbox/") }
    check("offline, turnout 300 and 410 are queued with the unconfirmed 250 (3 pending, 3 outbox files)",
        queued != null && outbox.size == 3) { "outbox=$outbox; ${device.describe()}" }

    // The app is killed while offline; a new Core on the same files has the queue.
    device.close()
    device = Device(deviceFolder, transport())
    device.core.start()
    val restored = device.waitFor(10) { !it.loading && it.sync.pending == 3u && it.phase == StationPhase.OPEN }
    check("after the app is killed offline, a new Core on the same files restores the 3 queued reports",
        restored != null) { device.describe() }
    device.send(Event.Navigate(eu.kiesdag.shared.types.Screen.TURNOUT))

    // The network comes back: the core's own backoff timer reconnects.
    proxy.restore()
    val synced = device.waitFor(60) {
        it.connection.state == ConnectionState.ONLINE && settled(it) && it.sync.confirmed >= 4uL
    }
    check("reconnects by itself and every queued report is confirmed", synced != null) { device.describe() }
    val log = (device.waitFor(5) { it.page is Page.Turnout }?.page as? Page.Turnout)?.value?.log.orEmpty()
    check("the turnout screen shows 120, 250, 300 and 410 as confirmed",
        log.map { it.count.toInt() }.sorted() == listOf(120, 250, 300, 410) && log.all { it.state == OperationState.CONFIRMED }) {
        "log=${log.map { "${it.count}:${it.state}" }}"
    }

    // What the server holds, through the staff's APIs.
    val changes = server.allChanges(token, "GM0599")
    val counts = turnoutCounts(changes)
    check("the server holds every turnout report exactly once (120, 250, 300, 410)",
        counts.sorted() == listOf(120, 250, 300, 410)) { "turnout counts held: $counts; kinds: ${changes.map { it["kind"] }}" }
    val openings = changes.count { it["kind"].toString().contains("open") }
    check("the server holds the opening exactly once", openings == 1) { "kinds: ${changes.map { it["kind"] }}" }
    val (status, csvBody) = server.request("GET", "/api/municipalities/GM0599/turnout.csv", token)
    check("the REST API's turnout export shows the latest count, 410",
        status == 200 && csvBody.lines().any { it.contains("GM0599-1") && it.contains("410") }) { "$status $csvBody" }
    check("the device's shell reported no error during the day", device.errors.isEmpty()) { device.errors.toString() }
    device.close()
    proxy.close()

    // A server that sends a frame that is not the protocol, then one that is not WebSocket.
    FakeWebSocketServer().use { fake ->
        val probe = Device(File(temp, "probe"), transport())
        probe.core.start()
        probe.waitFor(10) { !it.loading }
        probe.send(Event.Activate(fake.url, "ABCD-EFGH"))
        val unreadable = probe.waitFor(10) { it.notice?.isError == true && it.notice?.text?.contains("onleesbaar") == true }
        check("a malformed text frame from a fake server surfaces in Kotlin as the core's error notice",
            unreadable != null && fake.received.any { it.contains("activate") }) {
            "received=${fake.received}; ${probe.describe()}"
        }
        val failedView = probe.waitFor(10) { !it.busy && it.connection.state == ConnectionState.OFFLINE && it.notice?.text?.contains("niet bereikbaar") == true }
        check("a frame with a reserved opcode fails the connection in Kotlin (the WebSocket reports it; the core goes offline)",
            failedView != null && probe.failures.isNotEmpty()) { "failures=${probe.failures}; ${probe.describe()}" }
        println("jvm-proof: the WebSocket reported: ${probe.failures.firstOrNull()}")
        probe.send(Event.SetLanguage(Language.ENGLISH))
        check("after the malformed frames the core still answers, with no fault",
            probe.waitFor(5) { it.language == Language.ENGLISH } != null && probe.errors.none { it is ShellError.CoreFault }) { probe.describe() }
        probe.close()
    }
    check("the server is still running", server.alive)
}

/** The count of every turnout event among the dashboard's changes. */
private fun turnoutCounts(changes: List<Map<*, *>>): List<Int> =
    changes.filter { it["kind"] == "turnout" }
        .mapNotNull { (findAll(it["payload"], "count").firstOrNull() as? Double)?.toInt() }
