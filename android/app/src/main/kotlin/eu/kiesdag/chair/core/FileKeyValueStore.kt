// Key-value storage in files: one file a key in one folder (the app's files folder on
// Android, a temp folder in the JVM proof). A write goes to a temporary file that is
// flushed to disk and then renamed over the old one, so a killed app finds either the
// old value or the new one, never half of one: the outbox survives.
package eu.kiesdag.chair.core

import eu.kiesdag.shared.types.KeyValueError
import eu.kiesdag.shared.types.KeyValueOperation
import eu.kiesdag.shared.types.KeyValueResponse
import eu.kiesdag.shared.types.KeyValueResult
import eu.kiesdag.shared.types.Value
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.nio.file.AtomicMoveNotSupportedException
import java.nio.file.Files
import java.nio.file.StandardCopyOption

class FileKeyValueStore(private val folder: File) : KeyValueStore {
    init {
        folder.mkdirs()
    }

    override fun perform(operation: KeyValueOperation): KeyValueResult = try {
        KeyValueResult.Ok(
            when (operation) {
                is KeyValueOperation.Get -> KeyValueResponse.Get(value(read(operation.key)))
                is KeyValueOperation.Set -> {
                    val previous = read(operation.key)
                    write(operation.key, ByteArray(operation.value.size) { operation.value[it].toByte() })
                    KeyValueResponse.Set(value(previous))
                }
                is KeyValueOperation.Delete -> {
                    val previous = read(operation.key)
                    val file = fileOf(operation.key)
                    if (file.exists() && !file.delete()) throw IOException("cannot delete ${operation.key}")
                    KeyValueResponse.Delete(value(previous))
                }
                is KeyValueOperation.Exists -> KeyValueResponse.Exists(fileOf(operation.key).exists())
                // Every key in one page: the core's keys are few (one per unsent report).
                is KeyValueOperation.ListKeys -> KeyValueResponse.ListKeys(
                    keys().filter { it.startsWith(operation.prefix) }.sorted(),
                    0uL,
                )
            },
        )
    } catch (e: IOException) {
        KeyValueResult.Err(KeyValueError.Io(e.message ?: e.toString()))
    } catch (e: SecurityException) {
        KeyValueResult.Err(KeyValueError.Io(e.message ?: e.toString()))
    }

    /** The keys stored, for tests and diagnostics. */
    fun keys(): List<String> =
        (folder.list() ?: emptyArray()).filter { !it.startsWith(TEMP) }.map(::decode)

    private fun value(bytes: ByteArray?): Value =
        if (bytes == null) Value.None else Value.Bytes(bytes.map { it.toUByte() })

    private fun read(key: String): ByteArray? {
        val file = fileOf(key)
        return if (file.exists()) file.readBytes() else null
    }

    private fun write(key: String, bytes: ByteArray) {
        val target = fileOf(key)
        val temp = File(folder, TEMP + target.name)
        FileOutputStream(temp).use { out ->
            out.write(bytes)
            out.fd.sync()
        }
        try {
            Files.move(temp.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        } catch (_: AtomicMoveNotSupportedException) {
            Files.move(temp.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING)
        }
    }

    private fun fileOf(key: String) = File(folder, encode(key))

    private companion object {
        const val TEMP = ".tmp-"
        private const val SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"

        /** A file name for any key: safe characters as they are, others as %XX (UTF-8). */
        fun encode(key: String): String = buildString {
            for (b in key.toByteArray(Charsets.UTF_8)) {
                val c = (b.toInt() and 0xff).toChar()
                if (c in SAFE) append(c) else append('%').append("%02X".format(b.toInt() and 0xff))
            }
        }

        fun decode(name: String): String {
            val out = java.io.ByteArrayOutputStream()
            var i = 0
            while (i < name.length) {
                if (name[i] == '%' && i + 2 < name.length) {
                    out.write(name.substring(i + 1, i + 3).toInt(16))
                    i += 3
                } else {
                    out.write(name[i].code)
                    i += 1
                }
            }
            return out.toString(Charsets.UTF_8.name())
        }
    }
}
