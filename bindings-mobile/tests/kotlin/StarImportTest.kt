// `import io.estatekit.*` in an app (issue 19, point 1): the reverse-DNS package
// exports no name of java.*, kotlin.* or the usual Android packages, so it compiles
// beside `java.math.RoundingMode`, `BigDecimal.setScale` and Kotlin's own `use {}`;
// records are immutable (`val` fields, changed with `copy`).
import io.estatekit.*
import java.math.BigDecimal
import java.math.RoundingMode
import kotlin.test.assertEquals
import kotlin.test.assertTrue

/** Compiles only when `RoundingMode` is `java.math.RoundingMode` under the star import. */
fun testJavaRoundingModeUnderStarImport() {
    assertEquals(BigDecimal("1.01"), BigDecimal("1.005").setScale(2, RoundingMode.HALF_UP))
    assertEquals(BigDecimal("1.00"), BigDecimal("1.005").setScale(2, RoundingMode.HALF_EVEN))
    // EstateKit's own rounding modes are `MoneyRounding`.
    assertEquals(BigDecimal("1.01"), RoundingPolicy(2, MoneyRounding.HALF_UP).round(BigDecimal("1.005")))
    assertEquals(BigDecimal("1.00"), RoundingPolicy(2, MoneyRounding.HALF_EVEN).round(BigDecimal("1.005")))
}

/** Kotlin's `use {}` closes any `AutoCloseable`, EstateKit objects included. */
fun testKotlinUseUnderStarImport() {
    val text = java.io.StringReader("abc").use { it.readText() }
    assertEquals("abc", text)
    val closeable: AutoCloseable = Estate.demo()
    val id = closeable.use { (it as Estate).id() }
    assertEquals("lakeside", id)
    assertEquals("lakeside", Estate.demo().use { it.id() })
}

/** Records have `val` fields: a change is a `copy`, the original stays as it was. */
fun testRecordsAreImmutable() {
    val policy = RoundingPolicy(2, MoneyRounding.HALF_UP)
    val fields = RoundingPolicy::class.java.declaredFields.filter { !java.lang.reflect.Modifier.isStatic(it.modifiers) }
    assertTrue(fields.isNotEmpty() && fields.all { java.lang.reflect.Modifier.isFinal(it.modifiers) }, "$fields")
    assertTrue(RoundingPolicy::class.java.methods.none { it.name.startsWith("set") })
    val zero = policy.copy(scale = 0)
    assertEquals(2 to 0, policy.scale to zero.scale)
}

/** No class of the package has the simple name of a class of java.lang, java.util,
 * java.math, java.time, java.io, java.nio, java.net, java.text, java.sql, kotlin.*,
 * kotlinx.coroutines or a common Android/Compose type, so no star import is ambiguous. */
fun testNoPlatformNameIsShadowed() {
    val top = Class.forName("io.estatekit.Estatekit_mobileKt")
    val where = java.io.File(top.protectionDomain.codeSource.location.toURI())
    val names = java.util.jar.JarFile(where).use { jar ->
        jar.entries().toList().map { it.name }
            .filter { it.startsWith("io/estatekit/") && it.endsWith(".class") && '$' !in it }
            .map { it.removePrefix("io/estatekit/").removeSuffix(".class") }
    }
    assertTrue("MoneyRounding" in names && "Estate" in names, "$names")
    val packages = listOf(
        "java.lang", "java.util", "java.util.concurrent", "java.math", "java.time", "java.io", "java.nio",
        "java.nio.channels", "java.net", "java.text", "java.sql", "kotlin", "kotlin.collections", "kotlin.text",
        "kotlin.ranges", "kotlin.io", "kotlin.time", "kotlin.sequences", "kotlinx.coroutines",
        "kotlinx.coroutines.channels", "kotlinx.coroutines.flow",
    )
    val loader = Thread.currentThread().contextClassLoader ?: ClassLoader.getSystemClassLoader()
    fun exists(cls: String) = try { Class.forName(cls, false, loader); true } catch (_: ClassNotFoundException) { false }
    // android.* is not on this classpath: the names an app star-imports most.
    val android = setOf(
        "Application", "Activity", "Context", "Intent", "Bundle", "View", "Fragment", "Service", "Notification",
        "Color", "Modifier", "State", "Text", "Button", "Icon", "Image", "Surface", "Column", "Row", "Box", "Log",
        "Uri", "Cursor", "Handler", "Looper", "Build", "Resources", "Toast", "Dialog", "Lifecycle", "ViewModel",
    )
    val clashes = names.flatMap { n ->
        packages.filter { exists("$it.$n") }.map { "$n: $it.$n" } + (if (n in android) listOf("$n: android") else listOf())
    }
    assertEquals(listOf(), clashes)
}
