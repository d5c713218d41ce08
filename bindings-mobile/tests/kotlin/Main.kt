// Entry point for .ci/kotlin_test.sh.
fun main() = runTests(
    "allocate: acceptance example" to ::testAcceptanceExample,
    "allocate: ties and adjustments" to ::testTiesAndAdjustments,
    "allocate: refunds and rounding policies" to ::testRefundAndPolicy,
    "allocate: 100k parts sum exactly" to ::testLargeSplitSumsExactly,
    "allocate: typed errors" to ::testTypedErrors,
    "estate: demo summary" to ::testDemoEstate,
    "estate: typed records" to ::testTypedRecords,
    "estate: JSON round trip" to ::testJsonRoundTrip,
    "estate: pooled bill split" to ::testPooledBillSplit,
    "estate: invalid documents name the field" to ::testInvalidEstates,
)
