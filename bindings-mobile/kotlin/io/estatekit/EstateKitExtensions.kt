// Hand-written Kotlin shipped beside the generated bindings (compile it with them: add
// this directory to the app's Kotlin sources). Only conveniences that UniFFI cannot
// generate; every rule stays in the Rust core.
@file:JvmName("EstateKitExtensions")

package io.estatekit

// UniFFI gives methods of records (data classes) no Kotlin default arguments (it does
// for functions, constructors and object methods, and in Swift for all): these
// overloads supply the defaults the Rust side declares.

/** The line's explanation in Simplified Chinese: `explain(Language.ZH_CN)`. */
fun BillLine.explain(): String = explain(null)

/** The bill explained in Simplified Chinese: `explain(Language.ZH_CN)`. */
fun Bill.explain(): List<String> = explain(null)

/** The reminder letter in Simplified Chinese: `render(Language.ZH_CN)`. */
fun ReminderLetter.render(): String = render(null)

/** The gross area fees are charged on: `area(internal = false)`. */
fun EstateUnit.area(): java.math.BigDecimal = area(false)
