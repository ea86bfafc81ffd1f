// Just enough JSON to read the server's answers: objects, arrays, strings, numbers,
// booleans and null, into Map, List, String, Double, Boolean and null.
package eu.kiesdag.jvmproof

class JsonReader(private val text: String) {
    private var at = 0

    fun read(): Any? {
        val value = value()
        space()
        require(at == text.length) { "trailing characters at $at" }
        return value
    }

    private fun space() {
        while (at < text.length && text[at].isWhitespace()) at++
    }

    private fun value(): Any? {
        space()
        require(at < text.length) { "unexpected end" }
        return when (val c = text[at]) {
            '{' -> obj()
            '[' -> array()
            '"' -> string()
            't' -> literal("true", true)
            'f' -> literal("false", false)
            'n' -> literal("null", null)
            else -> if (c == '-' || c.isDigit()) number() else error("unexpected '$c' at $at")
        }
    }

    private fun literal(word: String, value: Any?): Any? {
        require(text.startsWith(word, at)) { "bad literal at $at" }
        at += word.length
        return value
    }

    private fun number(): Double {
        val start = at
        while (at < text.length && (text[at].isDigit() || text[at] in "+-.eE")) at++
        return text.substring(start, at).toDouble()
    }

    private fun string(): String {
        at++ // opening quote
        val out = StringBuilder()
        while (true) {
            require(at < text.length) { "unterminated string" }
            val c = text[at++]
            when (c) {
                '"' -> return out.toString()
                '\\' -> {
                    val e = text[at++]
                    when (e) {
                        'n' -> out.append('\n')
                        't' -> out.append('\t')
                        'r' -> out.append('\r')
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'u' -> {
                            out.append(text.substring(at, at + 4).toInt(16).toChar())
                            at += 4
                        }
                        else -> out.append(e)
                    }
                }
                else -> out.append(c)
            }
        }
    }

    private fun array(): List<Any?> {
        at++
        val list = ArrayList<Any?>()
        space()
        if (text[at] == ']') {
            at++
            return list
        }
        while (true) {
            list.add(value())
            space()
            when (text[at++]) {
                ',' -> continue
                ']' -> return list
                else -> error("expected , or ] at ${at - 1}")
            }
        }
    }

    private fun obj(): Map<String, Any?> {
        at++
        val map = LinkedHashMap<String, Any?>()
        space()
        if (text[at] == '}') {
            at++
            return map
        }
        while (true) {
            space()
            val key = string()
            space()
            require(text[at++] == ':') { "expected : at ${at - 1}" }
            map[key] = value()
            space()
            when (text[at++]) {
                ',' -> continue
                '}' -> return map
                else -> error("expected , or } at ${at - 1}")
            }
        }
    }
}

fun parseJson(text: String): Any? = JsonReader(text).read()

/** A JSON string literal. */
fun jsonString(s: String): String = buildString {
    append('"')
    for (c in s) {
        when {
            c == '"' -> append("\\\"")
            c == '\\' -> append("\\\\")
            c < ' ' -> append("\\u%04x".format(c.code))
            else -> append(c)
        }
    }
    append('"')
}

/** Every value under `key`, at any depth. */
fun findAll(value: Any?, key: String): List<Any?> = when (value) {
    is Map<*, *> -> value.flatMap { (k, v) -> (if (k == key) listOf(v) else emptyList()) + findAll(v, key) }
    is List<*> -> value.flatMap { findAll(it, key) }
    else -> emptyList()
}
