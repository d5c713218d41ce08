// Entry point for .ci/kotlin_test.sh: each test file contributes one list.
fun main() = runTests(*(moneyTests + estateTests + feesTests + receivablesTests + dunningTests + checkinTests + checkinDocumentsTests + ticketsTests + slaClocksTests + ticketDocumentsTests + sealTests + reliabilityTests + recordsTests + estateUpdateTests + bankFileTests + returnVisitsTests + noticesTests).toTypedArray())
