// Timers and the clock from the JDK, the same on Android and on the JVM.
package eu.kiesdag.chair.core

import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit

/** Timers on one daemon thread. */
class ExecutorTimers(
    private val executor: ScheduledExecutorService = Executors.newSingleThreadScheduledExecutor { runnable ->
        Thread(runnable, "kiesdag-timers").apply { isDaemon = true }
    },
) : Timers, AutoCloseable {
    override fun schedule(delayMillis: Long, action: () -> Unit): Cancellable {
        val future = executor.schedule(action, delayMillis, TimeUnit.MILLISECONDS)
        return Cancellable { future.cancel(false) }
    }

    override fun close() {
        executor.shutdownNow()
    }
}

/** The system's wall clock. */
object SystemWallClock : WallClock {
    override fun nowMillis(): Long = System.currentTimeMillis()
}
