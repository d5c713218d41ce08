// Tiny test runner for .ci/kotlin_test.sh (package-less, compiled in with every test run).
// Usage in the test dir's Main.kt:
//   fun main() = runAllTests()      // every public top-level `fun test…()` of every *Test.kt
//   fun main() = runTests("adds" to ::testAdds, "rejects bad input" to { assertFailsWith<Exception> { ... } })
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Modifier
import java.util.jar.JarFile
import kotlin.system.exitProcess

/**
 * Runs every public top-level `fun test…()` (no parameters) of the package-less `*Test.kt`
 * files compiled into the jar this runner is in, by file then by name, as
 * `File: Name` (`ReceivablesTest.kt`'s `testPostingIsIdempotent` is
 * `Receivables: PostingIsIdempotent`).
 */
fun runAllTests() {
    val jar = java.io.File(TestRunnerMarker::class.java.protectionDomain.codeSource.location.toURI())
    val classes = JarFile(jar).use { j ->
        j.entries().asSequence().map { it.name }
            .filter { it.endsWith("TestKt.class") && '/' !in it && '$' !in it }
            .map { it.removeSuffix(".class") }.sorted().toList()
    }
    val tests = classes.flatMap { name ->
        Class.forName(name).declaredMethods
            .filter { Modifier.isPublic(it.modifiers) && Modifier.isStatic(it.modifiers) }
            .filter { it.name.startsWith("test") && it.parameterCount == 0 }
            .sortedBy { it.name }
            .map { m ->
                "${name.removeSuffix("TestKt")}: ${m.name.removePrefix("test")}" to {
                    try {
                        m.invoke(null)
                        Unit
                    } catch (e: InvocationTargetException) {
                        throw e.targetException
                    }
                }
            }
    }
    runTests(*tests.toTypedArray())
}

private class TestRunnerMarker

/** Runs each test, prints `PASS name` / `FAIL name: message` and `N passed, M failed`; exits 1 on any failure. */
fun runTests(vararg tests: Pair<String, () -> Unit>) {
    var failed = 0
    for ((name, test) in tests) {
        try {
            test()
            println("PASS $name")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: ${e::class.qualifiedName}: ${e.message}")
            e.printStackTrace()
        }
    }
    println("${tests.size - failed} passed, $failed failed")
    if (tests.isEmpty()) System.err.println("runTests: no tests given")
    if (failed > 0 || tests.isEmpty()) exitProcess(1)
}
