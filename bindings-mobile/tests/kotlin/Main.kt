// Entry point for .ci/kotlin_test.sh: each test file contributes one list (one per
// line, so test files added side by side do not conflict).
fun main() = runTests(
    *listOf<List<Pair<String, () -> Unit>>>(
        moneyTests,
        estateTests,
        feesTests,
        receivablesTests,
        dunningTests,
        checkinTests,
        checkinDocumentsTests,
        ticketsTests,
        slaClocksTests,
        ticketDocumentsTests,
        sealTests,
        reliabilityTests,
        recordsTests,
        estateUpdateTests,
        bankFileTests,
        returnVisitsTests,
        apiParityTests,
        documentLimitsTests,
        noticesTests,
    ).flatten().toTypedArray()
)
