// Entry point for .ci/kotlin_test.sh: every public `fun test…()` of every `*Test.kt`
// file runs (found by reflection, see .ci/kotlin/TestRunner.kt), so a new test file
// needs no registration here.
fun main() = runAllTests()
