// Tiny test runner for .ci/kotlin_test.sh (package-less, compiled in with every test run).
// Usage in the test dir's Main.kt:
//   fun main() = runTests("adds" to ::testAdds, "rejects bad input" to { assertFailsWith<Exception> { ... } })
import kotlin.system.exitProcess

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
