#!/usr/bin/env python3
"""Checks the native shells' sources against the generated bindings, since neither
Swift nor the Android UI can be compiled on these machines.

For the iOS app (ios/Kiesdag, Swift) against bindings/swift and bindings/swift-types,
and for the Android app (android/app/src/main/kotlin, Kotlin) against bindings/kotlin
and bindings/kotlin-types, it fails when the sources use
  - a type that is neither defined in the app, nor generated, nor the platform's
    (the platform's names the app uses are listed below, per language);
  - a CoreFfi method or CoreError case the bindings lack;
  - an Event case with argument labels the generated Event lacks;
  - a field of a generated type the type lacks (on values whose type the source
    declares, and on the elements of ForEach over such a field);
  - a case of a generated enum that does not exist (Type.CASE, and every case in a
    switch/when over a value of a generated type);
  - a switch/when over a generated enum that misses one of its cases;
  - a Page without its screen: every Page case must be handled and have
    <Case>Screen in a file of that name;
  - (Swift) a localized key missing from nl.lproj or en.lproj, or (Android) a
    string resource missing from values/ or values-en/.
Usage: check-shell-bindings.py BINDINGS_DIR REPO_ROOT
"""
import re
import sys
from pathlib import Path

bindings = Path(sys.argv[1] if len(sys.argv) > 1 else "bindings")
root = Path(sys.argv[2] if len(sys.argv) > 2 else ".")
problems: list[str] = []
checked = {"swift": 0, "kotlin": 0}


def fail(message: str) -> None:
    problems.append(message)


def strip(code: str, keep_strings: bool = False) -> tuple[str, list[str]]:
    """Comments removed and string literals blanked (interpolated code kept);
    also returns the literal texts."""
    out: list[str] = []
    literals: list[str] = []
    i, n = 0, len(code)

    def string(i: int) -> int:
        # i at the opening quote; returns the index after the closing quote.
        triple = code.startswith('"""', i)
        i += 3 if triple else 1
        text: list[str] = []
        while i < n:
            if code.startswith('"""' if triple else '"', i):
                literals.append("".join(text))
                out.append('""')
                return i + (3 if triple else 1)
            c = code[i]
            if c == "\\" and i + 1 < n and code[i + 1] == "(":
                # Swift interpolation: code up to the matching parenthesis.
                depth, j = 1, i + 2
                start = j
                while j < n and depth:
                    if code[j] == '"':
                        j = string(j)
                        continue
                    depth += {"(": 1, ")": -1}.get(code[j], 0)
                    j += 1
                out.append(" (" + code[start:j - 1] + ") ")
                text.append("%")
                i = j
                continue
            if c == "$" and i + 1 < n and code[i + 1] == "{":
                # Kotlin template: code up to the matching brace.
                depth, j = 1, i + 2
                start = j
                while j < n and depth:
                    if code[j] == '"':
                        j = string(j)
                        continue
                    depth += {"{": 1, "}": -1}.get(code[j], 0)
                    j += 1
                out.append(" (" + code[start:j - 1] + ") ")
                text.append("%")
                i = j
                continue
            if c == "\\":
                text.append(code[i:i + 2])
                i += 2
                continue
            text.append(c)
            i += 1
        return i

    while i < n:
        if code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif code[i] == '"':
            i = string(i)
        elif code[i] == "'" and i + 2 < n and (code[i + 2] == "'" or code[i + 1] == "\\"):
            j = code.find("'", i + 2)
            out.append("' '")
            i = j + 1
        else:
            out.append(code[i])
            i += 1
    return "".join(out), literals


def block_after(code: str, start: int) -> str:
    """The text of the brace block that opens at or after `start`."""
    i = code.find("{", start)
    depth = 0
    for j in range(i, len(code)):
        depth += {"{": 1, "}": -1}.get(code[j], 0)
        if depth == 0:
            return code[i + 1:j]
    return code[i + 1:]


def top_level_cases(block: str, keyword: str) -> list[str]:
    """The text of the block with nested braces removed (the switch's own cases)."""
    out, depth = [], 0
    for c in block:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


# ---------------------------------------------------------------- generated types

class Generated:
    def __init__(self) -> None:
        self.structs: dict[str, dict[str, str]] = {}  # type -> field -> type text
        self.enums: dict[str, dict[str, list[str]]] = {}  # type -> case -> labels
        self.ffi_methods: dict[str, list[str]] = {}  # CoreFfi method -> labels
        self.errors: set[str] = set()


def swift_generated() -> Generated:
    g = Generated()
    types = (bindings / "swift-types/SharedTypes/Sources/SharedTypes/SharedTypes.swift").read_text()
    for m in re.finditer(r"^public struct (\w+)[^{]*\{", types, re.M):
        body = block_after(types, m.start())
        g.structs[m.group(1)] = dict(re.findall(r"^    public var (\w+): ([^\n=]+)", body, re.M))
    for m in re.finditer(r"^(?:indirect )?public enum (\w+)[^{]*\{", types, re.M):
        body = block_after(types, m.start())
        cases = {}
        for c in re.finditer(r"^    case (\w+)(\(([^\n]*)\))?$", body, re.M):
            cases[c.group(1)] = re.findall(r"(\w+):", c.group(3) or "")
        g.enums[m.group(1)] = cases
    ffi = (bindings / "swift/SharedFFI.swift").read_text()
    core = block_after(ffi, ffi.index("open class CoreFfi"))
    for m in re.finditer(r"open func (\w+)\(([^)]*)\)", core):
        g.ffi_methods[m.group(1)] = re.findall(r"(\w+):", m.group(2))
    if re.search(r"public convenience init\(\)", core):
        g.ffi_methods["init"] = []
    error = block_after(ffi, ffi.index("enum CoreError"))
    g.errors = set(re.findall(r"^\s*case (\w+)\(", error, re.M))
    return g


def kotlin_generated() -> Generated:
    g = Generated()
    types = (bindings / "kotlin-types/eu/kiesdag/shared/types/Types.kt").read_text()
    for m in re.finditer(r"^data class (\w+)\((.*?)\n\) \{", types, re.M | re.S):
        g.structs[m.group(1)] = dict(re.findall(r"^    val (\w+): ([^\n=,]+)", m.group(2), re.M))
    for m in re.finditer(r"^enum class (\w+) \{", types, re.M):
        body = re.sub(r"///[^\n]*", "", block_after(types, m.start())).split(";")[0]
        g.enums[m.group(1)] = {c: [] for c in re.findall(r"\b([A-Z][A-Z0-9_]*)\b", body)}
    for m in re.finditer(r"^sealed interface (\w+) \{", types, re.M):
        body = block_after(types, m.start())
        cases = {}
        for c in re.finditer(r"^    data (?:class|object) (\w+)(?:\((.*?)\n    \))?", body, re.M | re.S):
            cases[c.group(1)] = re.findall(r"val (\w+):", c.group(2) or "")
        g.enums[m.group(1)] = cases
    for m in re.finditer(r"^data object (\w+)", types, re.M):
        g.structs[m.group(1)] = {}
    ffi = (bindings / "kotlin/eu/kiesdag/shared/ffi/shared.kt").read_text()
    interface = block_after(ffi, ffi.index("public interface CoreFfiInterface"))
    for m in re.finditer(r"fun `(\w+)`\(([^)]*)\)", interface):
        g.ffi_methods[m.group(1)] = re.findall(r"`(\w+)`:", m.group(2))
    error = block_after(ffi, ffi.index("sealed class CoreException"))
    g.errors = set(re.findall(r"^    class (\w+)\(", error, re.M))
    return g


# ---------------------------------------------------------------- the checks

def check_sources(lang: str, g: Generated, files: list[Path], platform: set[str]) -> None:
    sources = {f: strip(f.read_text()) for f in files}
    code = "\n".join(text for text, _ in sources.values())
    checked[lang] = len(files)
    defined = set(re.findall(r"\b(?:class|struct|enum|protocol|interface|object|typealias|fun interface)\s+(\w+)", code))
    defined |= set(re.findall(r"\bfun (?:<[^>]*> )?(\w+)\(", code))  # Compose functions are capitalized
    generated = set(g.structs) | set(g.enums) | {"CoreFfi", "CoreFfiInterface", "CoreError", "CoreException"}

    # Types.
    # Names after a dot are members (of generated types: checked below).
    for name in sorted(set(re.findall(r"(?<![\w.])([A-Z][A-Za-z0-9_]*)\b", code))):
        if lang == "kotlin" and re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
            continue  # enum constants, checked with their type below
        if name in defined or name in generated or name in platform or name in g.errors:
            continue
        fail(f"{lang}: type or name {name} is neither the app's, nor generated, nor in the platform list of scripts/check-shell-bindings.py")

    # CoreFfi methods and CoreError cases.
    call = r"ffi\.(\w+)\(([^()]*(?:\([^()]*\))?[^()]*)\)"
    for m in re.finditer(call, code):
        method = m.group(1)
        labels = re.findall(r"(\w+):", m.group(2)) if lang == "swift" else []
        if method not in g.ffi_methods:
            fail(f"{lang}: CoreFfi has no method {method}")
        elif lang == "swift" and labels != g.ffi_methods[method]:
            fail(f"{lang}: CoreFfi.{method} takes {g.ffi_methods[method]}, the shell passes {labels}")
    error_refs = re.findall(r"CoreException\.(\w+)", code) if lang == "kotlin" else re.findall(r"case let \.(InvalidInput|Internal|\w+)\(message\)", code)
    for case in error_refs:
        if case not in g.errors:
            fail(f"{lang}: CoreError has no case {case}")

    # Events sent, with their labels.
    if lang == "swift":
        for m in re.finditer(r"(?:(?<![\w.?])|core\.)send\(\.(\w+)(\((?:[^()]|\([^()]*\))*\))?", code):
            case, args = m.group(1), m.group(2) or ""
            check_case(lang, g, "Event", case, top_level_labels(args))
    else:
        for m in re.finditer(r"\bEvent\.(\w+)", code):
            check_case(lang, g, "Event", m.group(1), None)

    # Type.CASE and switch/when exhaustiveness over typed values.
    for m in re.finditer(r"\b([A-Z]\w+)\.([A-Za-z]\w*)\b", code):
        t, member = m.groups()
        if t in g.enums and t != "Event" and member not in ("entries", "values", "serialize", "deserialize", "bincodeDeserialize", "Companion"):
            check_case(lang, g, t, member, None)
    for f, (text, _) in sources.items():
        check_typed(lang, g, text, f.name)

    # Every Page has its screen.
    pages = list(g.enums.get("Page", {}))
    handled = set(re.findall(r"case let \.(\w+)\(view\)", code)) if lang == "swift" else set(re.findall(r"is Page\.(\w+) ->", code))
    names = {f.stem for f in files}
    for page in pages:
        if page not in handled:
            fail(f"{lang}: Page.{page} has no case in the shell")
        screen = page[0].upper() + page[1:] + "Screen"
        if screen not in names:
            fail(f"{lang}: no {screen} file for Page.{page}")


def top_level_labels(args: str) -> list[str]:
    """The argument labels of a call's own arguments, `(a: 1, b: f(c: 2))` -> [a, b]."""
    labels, depth, start = [], 0, 1
    for i, c in enumerate(args):
        if c in "([":
            depth += 1
            if depth == 1:
                start = i + 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 1:
            start = i + 1
        if depth == 1 and i == start:
            m = re.match(r"\s*(\w+):", args[i:])
            if m:
                labels.append(m.group(1))
    return labels


def check_typed(lang: str, g: Generated, code: str, where: str) -> None:
    """Switches and field accesses on values whose generated type the file declares;
    a name's type is that of its nearest declaration before the use."""
    decls = declared_types(lang, code, g)

    def type_at(name: str, at: int) -> tuple[str, bool] | None:
        best = None
        for pos, n, t, is_list in decls:
            if n == name and pos <= at:
                best = (t, is_list)
        return best

    def expr_type(expr: str, at: int) -> str | None:
        parts = expr.split(".")
        found = type_at(parts[0], at)
        if not found or found[1]:
            return None
        t = found[0]
        for field in parts[1:]:
            if t not in g.structs or field not in g.structs[t]:
                return None
            t = re.sub(r"\?$|eu\.kiesdag\.shared\.types\.", "", g.structs[t][field].strip())
        return t

    if lang == "swift":
        for m in re.finditer(r"\bswitch ([\w.]+) \{", code):
            t = expr_type(m.group(1), m.start())
            if t in g.enums:
                cases = [c for seg in re.findall(r"\bcase ([^:]*):", top_level_cases(block_after(code, m.start()), "case"))
                         for c in re.findall(r"(?:^|,)\s*(?:let )?\.(\w+)", seg)]
                compare_cases(lang, g, t, cases, f"{m.group(1)} in {where}")
    else:
        for m in re.finditer(r"\bwhen \(([\w.]+)\) \{", code):
            t = expr_type(m.group(1), m.start())
            if t in g.enums:
                body = top_level_cases(block_after(code, m.start()), "")
                cases = re.findall(rf"(?:is )?{t}\.(\w+)\s*(?:->|,)", body)
                if "else ->" not in body:
                    compare_cases(lang, g, t, cases, f"{m.group(1)} in {where}")
    for m in re.finditer(r"(?<![\w.])(\w+)\??\.(\w+)", code):
        name, field = m.groups()
        found = type_at(name, m.start())
        if not found or found[1] or field[0].isupper():
            continue
        t = found[0]
        if t in g.structs and field not in g.structs[t] and field not in ("copy", "map", "let", "also", "flatMap", "toString", "bincodeSerialize", "serialize"):
            fail(f"{lang}: {t} has no field {field} ({name}.{field} in {where})")


def check_case(lang: str, g: Generated, t: str, case: str, labels: list[str] | None) -> None:
    cases = g.enums.get(t, {})
    if case not in cases:
        fail(f"{lang}: {t} has no case {case}")
    elif labels is not None and labels and labels != cases[case]:
        fail(f"{lang}: {t}.{case} has labels {cases[case]}, the shell uses {labels}")


def compare_cases(lang: str, g: Generated, t: str, cases: list[str], subject: str) -> None:
    for case in cases:
        check_case(lang, g, t, case, None)
    missing = [c for c in g.enums[t] if c not in cases]
    if missing:
        fail(f"{lang}: the switch over {subject} ({t}) misses {missing}")


def declared_types(lang: str, code: str, g: Generated) -> list[tuple[int, str, str, bool]]:
    """Where names get a generated type: parameters, properties, case bindings of a
    Page, and the element of a ForEach/forEach over a list field of such a value.
    Each as (position, name, type, is a list)."""
    known = set(g.structs) | set(g.enums)
    decls: list[tuple[int, str, str, bool]] = []
    for m in re.finditer(r"\b(?:let |var |val )?(\w+): (\[|List<)?([A-Z]\w+)(?:\]|>)?\??[,)\s=]", code):
        if m.group(3) in known:
            decls.append((m.start(), m.group(1), m.group(3), bool(m.group(2))))
    loop = r"ForEach\((?:Array\()?(\w+)\.(\w+)[^{]*\{ (?:_, )?(\w+) in" if lang == "swift" else r"(\w+)\??\.(\w+)\??\.forEach \{ (\w+) ->"
    for m in re.finditer(loop, code):
        owner, field, item = m.groups()
        t = None
        for pos, n, typ, is_list in decls:
            if n == owner and pos <= m.start() and not is_list:
                t = typ
        if t in g.structs and field in g.structs[t]:
            element = re.sub(r"^\[|\]$|^List<|>$|\?$|eu\.kiesdag\.shared\.types\.", "", g.structs[t][field].strip())
            element = re.sub(r"^\[|\]$|^List<|>$", "", element)
            if element in known:
                decls.append((m.start(), item, element, False))
    decls.sort()
    return decls


# ---------------------------------------------------------------- texts

def check_swift_strings(files: list[Path]) -> None:
    tables = {}
    for lang in ("nl", "en"):
        path = root / f"ios/Kiesdag/{lang}.lproj/Localizable.strings"
        tables[lang] = set(re.findall(r'^"([^"]+)" =', path.read_text(), re.M))
    for f in files:
        text = f.read_text()
        for m in re.finditer(r'(?:Text|Button|title:|BigButton\(title:|TextField)\(?\s*"([a-z]+_[a-z_]+)((?: \\\([^"]*\))*)"', text):
            key = m.group(1)
            if not any(k == key or k.startswith(key + " ") for t in tables.values() for k in t):
                fail(f"swift: localized key {key} ({f.name}) is in no Localizable.strings")
            for lang, t in tables.items():
                if not any(k == key or k.startswith(key + " ") for k in t):
                    fail(f"swift: localized key {key} is missing from {lang}.lproj")
        for key in re.findall(r'return "([a-z]+_[a-z_]+)"', text):
            for lang, t in tables.items():
                if key not in t:
                    fail(f"swift: localized key {key} is missing from {lang}.lproj")


def check_android_strings(files: list[Path]) -> None:
    res = root / "android/app/src/main/res"
    tables = {d: set(re.findall(r'<string name="(\w+)"', (res / d / "strings.xml").read_text())) for d in ("values", "values-en")}
    for f in files:
        for key in set(re.findall(r"R\.string\.(\w+)", f.read_text())):
            for d, t in tables.items():
                if key not in t:
                    fail(f"kotlin: R.string.{key} ({f.name}) is missing from {d}/strings.xml")
    if tables["values"] != tables["values-en"]:
        fail(f"kotlin: values/ and values-en/ differ: {sorted(tables['values'] ^ tables['values-en'])}")


SWIFT_PLATFORM = {
    "AnyObject", "App", "Array", "Binding", "Bool", "Button", "CharacterSet", "Circle", "CloseCode", "Color",
    "Combine", "Data", "Date", "DispatchQueue", "DispatchWorkItem", "Double", "EnvironmentObject", "Error",
    "FileManager", "ForEach", "Foundation", "Group", "HStack", "Hashable", "Image", "Int", "Locale",
    "LocalizedStringKey", "NSLock", "NSObject", "NavigationStack", "ObservableObject", "Picker", "ProgressView",
    "Published", "RoundedRectangle", "Scene", "ScrollView", "Self", "Set", "SharedTypes", "Spacer", "State",
    "StateObject", "String", "SwiftUI", "T", "Text", "TextField", "ToolbarItem", "UInt16", "UInt32", "UInt64",
    "UInt8", "URL", "URLSession", "URLSessionConfiguration", "URLSessionTask", "URLSessionWebSocketDelegate",
    "URLSessionWebSocketTask", "VStack", "View", "Void", "WindowGroup", "WritableKeyPath",
}
KOTLIN_PLATFORM = {
    "Alignment", "AlertDialog", "Any", "AndroidViewModel", "Application", "Arrangement", "ArrayDeque",
    "AtomicBoolean", "AtomicMoveNotSupportedException", "AutoCloseable", "Badge", "BadgedBox", "Boolean",
    "Box", "Bundle", "Button", "ByteArray", "ByteArrayOutputStream", "Card", "CardDefaults", "Char", "Charsets",
    "Checkbox", "CircularProgressIndicator", "Color", "Column", "ColumnScope", "ComponentActivity",
    "Composable", "CompositionLocalProvider", "Configuration", "Exception", "ExecutorService", "Executors",
    "ExperimentalLayoutApi", "ExperimentalMaterial3Api", "File", "FileOutputStream", "Files", "FilterChip",
    "FlowRow", "FontWeight", "HashMap", "IOException", "IllegalArgumentException", "Int", "KeyboardOptions",
    "KeyboardType", "LinearProgressIndicator", "List", "LocalConfiguration", "LocalContext", "Locale", "Long",
    "MaterialTheme", "Modifier", "MutableStateFlow", "OkHttpClient", "OptIn", "OutlinedButton",
    "OutlinedTextField", "R", "Request", "Response", "Row", "Scaffold", "ScheduledExecutorService",
    "ScrollableTabRow", "SecurityException", "StandardCopyOption", "StateFlow", "String", "Surface", "Tab",
    "Text", "TextButton", "Thread", "Throwable", "Throws", "TimeUnit", "TopAppBar", "UByte", "UInt",
    "ULong", "UShort", "Unit", "Volatile", "System", "RejectedExecutionException", "WebSocket", "java", "Map", "Set", "Pair", "T", "ProvisionalResult",
}


def main() -> int:
    swift_files = sorted((root / "ios/Kiesdag").rglob("*.swift"))
    kotlin_files = sorted((root / "android/app/src/main/kotlin").rglob("*.kt"))
    check_sources("swift", swift_generated(), swift_files, SWIFT_PLATFORM)
    check_swift_strings(swift_files)
    check_sources("kotlin", kotlin_generated(), kotlin_files, KOTLIN_PLATFORM)
    check_android_strings(kotlin_files)
    for p in problems:
        print(f"shell-bindings: {p}", file=sys.stderr)
    if problems:
        print(f"shell-bindings: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"shell-bindings: {checked['swift']} Swift and {checked['kotlin']} Kotlin files use only what the generated bindings hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
