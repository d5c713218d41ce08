// allocate / allocateDetailed / roundAmount through the generated Kotlin bindings.
import io.estatekit.*
import java.math.BigDecimal
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

private fun d(s: String) = BigDecimal(s)

fun testAcceptanceExample() {
    val parts = allocate(d("100"), listOf(BigDecimal(1000), BigDecimal(500)))
    assertEquals(listOf(d("66.67"), d("33.33")), parts)
    assertEquals(listOf("66.67", "33.33"), parts.map { it.toPlainString() })
}

fun testTiesAndAdjustments() {
    val a = allocateDetailed(d("0.02"), listOf(d("1"), d("1"), d("1")))
    assertEquals(listOf(d("0.01"), d("0.01"), d("0.00")), a.parts)
    assertEquals(listOf(0L, 1L), a.adjusted)
    assertEquals(d("0.02"), a.total)
}

fun testRefundAndPolicy() {
    assertEquals(listOf(d("-3.34"), d("-3.33"), d("-3.33")), allocate(d("-10.00"), List(3) { BigDecimal.ONE }))
    val halfEven = RoundingPolicy(2, MoneyRounding.HALF_EVEN)
    assertEquals(listOf(d("0.12")), allocate(d("0.125"), listOf(BigDecimal.ONE), halfEven))
    assertEquals(listOf(d("0.13")), allocate(d("0.125"), listOf(BigDecimal.ONE)))
    assertEquals(listOf(d("4"), d("3"), d("3")), allocate(d("10"), List(3) { BigDecimal.ONE }, RoundingPolicy(0, MoneyRounding.DOWN)))
    assertEquals(d("-2.35"), RoundingPolicy(2, MoneyRounding.UP).round(d("-2.341")))
    assertEquals(d("2.34"), halfEven.round(d("2.345")))
    // Issue 16.3: rounded once, exactly. 29 places cannot be held (rounding them to 28
    // first would give 0.005, then 0.01): refused; a zero of any scale is a zero.
    val e = assertFailsWith<EstateKitException.Validation> { RoundingPolicy(2, MoneyRounding.HALF_UP).round(d("0.00499999999999999999999999999")) }
    assertEquals("inexact_decimal" to "argument", e.code to e.path)
    assertEquals(d("0.00"), RoundingPolicy(2, MoneyRounding.HALF_UP).round(d("0E-30")))
    assertEquals(d("1.00"), RoundingPolicy(2, MoneyRounding.HALF_UP).round(d("1.000000000000000000000000000000")))
}

fun testLargeSplitSumsExactly() {
    val weights = List(100_000) { i -> BigDecimal(50 + i % 97).movePointLeft(1) }
    val parts = allocate(d("987654.32"), weights)
    assertEquals(100_000, parts.size)
    assertEquals(d("987654.32"), parts.fold(BigDecimal.ZERO, BigDecimal::add))
}

private fun validation(block: () -> Unit): EstateKitException.Validation =
    assertFailsWith<EstateKitException.Validation> { block() }

fun testTypedErrors() {
    val neg = validation { allocate(d("1"), listOf(d("1"), d("-2"))) }
    assertEquals("negative_weight", neg.code)
    assertEquals("weights[1]", neg.path)
    assertEquals("weights[1]: weight must not be negative, got -2", neg.detail)

    val empty = validation { allocate(d("1"), emptyList()) }
    assertEquals(listOf("empty_weights", "weights"), listOf(empty.code, empty.path))

    val zeros = validation { allocate(d("1"), listOf(BigDecimal.ZERO, BigDecimal.ZERO)) }
    assertEquals("weights: all 2 weights are zero; at least one must be positive", zeros.detail)

    val scale = validation { allocate(d("1"), listOf(BigDecimal.ONE), RoundingPolicy(13, MoneyRounding.HALF_UP)) }
    assertEquals(listOf("invalid_scale", "scale"), listOf(scale.code, scale.path))

    val overflow = validation { allocate(d("70000000000000000000000000000"), listOf(BigDecimal.ONE)) }
    assertEquals(listOf("overflow", "total"), listOf(overflow.code, overflow.path))
    assertTrue(overflow.message!!.contains("overflow"))
}
