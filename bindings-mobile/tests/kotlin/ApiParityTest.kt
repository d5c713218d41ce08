// The mobile surface against the one list of the shared surface
// (core/tests/data/api_surface.tsv, Python names) and the allowed mobile-only names
// (api_mobile_only.tsv): every listed type, member and function exists in the
// generated Kotlin, and every public method of a listed type (and every top-level
// function) is listed. Java reflection only (no kotlin-reflect).
import java.io.File
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import kotlin.test.assertEquals
import kotlin.test.assertTrue

private const val PKG = "io.estatekit"
private val PKG_DIR = PKG.replace('.', '/')
private const val TOP_LEVEL = "$PKG.Estatekit_mobileKt"

/** `unit_id`, `unitId` and `getUnitId` all become `unitid`. */
private fun norm(name: String): String = name.replace("_", "").lowercase()

private data class Entry(val owner: String, val member: String, val note: String)

private fun dataDir(): File {
    System.getenv("ESTATEKIT_API_DIR")?.let { return File(it) }
    // The runner starts in the repository root; a run from bindings-mobile works too.
    var dir: File? = File("").absoluteFile
    while (dir != null) {
        val d = File(dir, "core/tests/data")
        if (File(d, "api_surface.tsv").isFile) return d
        dir = dir.parentFile
    }
    error("core/tests/data/api_surface.tsv not found from ${File("").absolutePath}")
}

private fun readList(lines: List<String>): List<Entry> = lines
    .filter { it.isNotBlank() && !it.startsWith("#") }
    .drop(1) // header
    .map { val f = it.split('\t'); Entry(f[0], f.getOrElse(1) { "-" }, f.getOrElse(2) { "" }) }

/** Mobile names of types whose Python name cannot be used (a `mobile: Name` note). */
private fun mobileNames(surface: List<Entry>): Map<String, String> = surface
    .filter { it.member == "-" && it.note.startsWith("mobile: ") }
    .associate { it.owner to it.note.removePrefix("mobile: ").substringBefore(' ') }

/** UniFFI machinery and Kotlin data-class members, not part of the API. */
private fun isMachinery(m: Method): Boolean {
    val n = jvmName(m)
    return (n in setOf("destroy", "close") && m.parameterCount == 0) ||
        n in setOf("copy", "equals", "hashCode", "toString", "use") ||
        n.startsWith("uniffi") || n.startsWith("getUniffi") || n.contains('$') ||
        Regex("component\\d+").matches(n) || m.isSynthetic || m.isBridge
}

/** A method's Kotlin name: without the `-hash` suffix Kotlin adds to functions taking
 * inline-class (unsigned) values. */
private fun jvmName(m: Method): String = m.name.substringBefore('-')

/** The API names of a class: methods, and record fields through their getters. */
private fun memberNames(cls: Class<*>, static: Boolean): Set<String> {
    val methods = cls.declaredMethods.filter {
        Modifier.isPublic(it.modifiers) && Modifier.isStatic(it.modifiers) == static && !isMachinery(it)
    }
    val names = methods.map(::jvmName).toSet()
    val out = mutableSetOf<String>()
    for (m in methods) {
        val n = jvmName(m)
        val getter = n.length > 3 && n.startsWith("get") && n[3].isUpperCase() && m.parameterCount == 0
        val setter = n.length > 3 && n.startsWith("set") && n[3].isUpperCase() && m.parameterCount == 1 &&
            ("get" + n.substring(3) in names || "is" + n.substring(3) in names)
        when {
            setter -> {}
            getter -> out.add(n.substring(3).replaceFirstChar { it.lowercase() })
            else -> out.add(n)
        }
    }
    return out
}

/** The records (data classes) and objects (`Disposable` classes) of the generated
 * bindings, read from the jar or directory they were loaded from. */
private fun generatedTypes(): List<String> {
    val top = Class.forName(TOP_LEVEL)
    val where = File(top.protectionDomain.codeSource.location.toURI())
    val names = if (where.isDirectory) {
        File(where, PKG_DIR).listFiles()!!.map { it.name }
    } else {
        java.util.jar.JarFile(where).use { jar ->
            jar.entries().toList().map { it.name }.filter { it.startsWith("$PKG_DIR/") }.map { it.removePrefix("$PKG_DIR/") }
        }
    }
    val disposable = Class.forName("$PKG.Disposable")
    return names.filter { it.endsWith(".class") && '/' !in it && '$' !in it }
        .map { it.removeSuffix(".class") }
        .filter { n ->
            val c = Class.forName("$PKG.$n")
            !c.isInterface && !c.isEnum && !Throwable::class.java.isAssignableFrom(c) &&
                !n.startsWith("FfiConverter") && !n.startsWith("Uniffi") &&
                (disposable.isAssignableFrom(c) || c.methods.any { it.name == "component1" })
        }
        .sorted()
}

/** Every difference between the generated bindings and the lists; empty when at parity. */
private fun apiDifferences(surface: List<Entry>, mobileOnly: List<Entry>, renames: Map<String, String>): List<String> {
    val problems = mutableListOf<String>()
    val loader = Thread.currentThread().contextClassLoader ?: ClassLoader.getSystemClassLoader()
    fun find(name: String): Class<*>? =
        try { Class.forName("$PKG.$name", false, loader) } catch (_: ClassNotFoundException) { null }
    fun kotlinName(type: String) = renames[type] ?: type

    val listed = (surface + mobileOnly)
    // Members by owner ("-": top-level functions); a type row allows all its members
    // when it is in the mobile-only list.
    val members = mutableMapOf<String, MutableSet<String>>()
    val wholeTypes = mobileOnly.filter { it.owner != "-" && it.member == "-" }.map { it.owner }.toSet()
    for (e in listed) {
        if (e.owner == "-" || e.member != "-") members.getOrPut(e.owner) { mutableSetOf() }.add(norm(e.member))
        else members.getOrPut(e.owner) { mutableSetOf() }
    }

    // Listed -> generated.
    for (e in surface + mobileOnly) {
        if (e.owner == "-") {
            if (norm(e.member) !in memberNames(find("Estatekit_mobileKt")!!, static = true).map(::norm))
                problems.add("function ${e.member}: listed, missing in Kotlin")
            continue
        }
        val cls = find(kotlinName(e.owner))
        if (e.member == "-") {
            if (cls == null) problems.add("type ${e.owner}: listed, missing in Kotlin (${PKG}.${kotlinName(e.owner)})")
            continue
        }
        if (cls == null) continue // reported on the type row
        val companion = find(kotlinName(e.owner) + "\$Companion")
        val have = memberNames(cls, static = false) + (companion?.let { memberNames(it, false) } ?: emptySet())
        if (norm(e.member) !in have.map(::norm)) problems.add("${e.owner}.${e.member}: listed, missing in Kotlin")
    }

    // Generated -> listed: every record and object type of the bindings.
    val listedTypes = listed.filter { it.owner != "-" }.map { kotlinName(it.owner) }.toSet()
    for (name in generatedTypes()) {
        if (name !in listedTypes) problems.add("type $name: in Kotlin, not in api_surface.tsv or api_mobile_only.tsv")
    }
    for ((owner, allowed) in members) {
        if (owner in wholeTypes) continue
        val (cls, static) = if (owner == "-") find("Estatekit_mobileKt") to true
            else (find(kotlinName(owner)) ?: continue) to false
        val companion = if (owner == "-") null else find(kotlinName(owner) + "\$Companion")
        val have = memberNames(cls!!, static) + (companion?.let { memberNames(it, false) } ?: emptySet())
        for (n in have.sorted()) {
            if (norm(n) !in allowed) {
                val where = if (owner == "-") "function $n" else "$owner.$n"
                problems.add("$where: in Kotlin, not in api_surface.tsv or api_mobile_only.tsv")
            }
        }
    }
    return problems
}

private fun lists(): Triple<List<Entry>, List<Entry>, Map<String, String>> {
    val data = dataDir()
    return Triple(
        readList(File(data, "api_surface.tsv").readLines(Charsets.UTF_8)),
        readList(File(data, "api_mobile_only.tsv").readLines(Charsets.UTF_8)),
        mobileNames(readList(File(data, "api_surface.tsv").readLines(Charsets.UTF_8))),
    )
}

fun testApiParity() {
    val (surface, mobileOnly, renames) = lists()
    assertTrue(surface.size > 500, "the list has ${surface.size} rows")
    val types = generatedTypes()
    assertTrue(types.size > 60 && "Estate" in types && "Balance" in types, "generated types: $types")
    val problems = apiDifferences(surface, mobileOnly, renames)
    assertTrue(problems.isEmpty(), "${problems.size} differences:\n" + problems.joinToString("\n"))
}

/** The check can fail: a line taken out of the list, a name added to it. */
fun testApiParityDetectsDifferences() {
    val (surface, mobileOnly, renames) = lists()
    val withoutBillExplain = surface.filterNot { it.owner == "Bill" && it.member == "explain" }
    assertEquals(
        listOf("Bill.explain: in Kotlin, not in api_surface.tsv or api_mobile_only.tsv"),
        apiDifferences(withoutBillExplain, mobileOnly, renames),
    )
    val withExtra = surface + Entry("Ledger", "frobnicate", "") + Entry("-", "no_such_function", "") +
        Entry("NoSuchType", "-", "")
    assertEquals(
        listOf(
            "Ledger.frobnicate: listed, missing in Kotlin",
            "function no_such_function: listed, missing in Kotlin",
            "type NoSuchType: listed, missing in Kotlin (io.estatekit.NoSuchType)",
        ),
        apiDifferences(withExtra, mobileOnly, renames),
    )
}
