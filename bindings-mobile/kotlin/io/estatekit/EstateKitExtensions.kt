// Hand-written Kotlin shipped beside the generated bindings (compile it with them: add
// this directory to the app's Kotlin sources). Only conveniences that UniFFI cannot
// generate; every rule stays in the Rust core.
@file:JvmName("EstateKitExtensions")

package io.estatekit

import java.time.DayOfWeek
import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.LocalTime
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

// UniFFI gives methods of records (data classes) no Kotlin default arguments (it does
// for functions, constructors and object methods, and in Swift for all): these
// overloads supply the defaults the Rust side declares.

/** The line's explanation in Simplified Chinese: `explain(Language.ZH_CN)`. */
fun BillLine.explain(): String = explain(null)

/** The bill explained in Simplified Chinese: `explain(Language.ZH_CN)`. */
fun Bill.explain(): List<String> = explain(null)

/** The reminder letter in Simplified Chinese: `render(Language.ZH_CN)`. */
fun ReminderLetter.render(): String = render(null)

/** The fee line explained in Simplified Chinese: `explain(Language.ZH_CN)`. */
fun FeeLine.explain(): String = explain(null)

/** The label in Simplified Chinese: `label(Language.ZH_CN)` (decoration enums). */
fun RenovationState.label(): String = label(null)

/** The label in Simplified Chinese. */
fun DecorationRole.label(): String = label(null)

/** The label in Simplified Chinese. */
fun ScopeRule.label(): String = label(null)

/** The label in Simplified Chinese. */
fun Consent.label(): String = label(null)

/** The label in Simplified Chinese. */
fun Liable.label(): String = label(null)

/** The label in Simplified Chinese. */
fun DeductionKind.label(): String = label(null)

/** The label in Simplified Chinese. */
fun OverdueKind.label(): String = label(null)

/** The label in Simplified Chinese. */
fun WorkVerdict.label(): String = label(null)

/** The label in Simplified Chinese. */
fun ViolationStatus.label(): String = label(null)

/** The label in Simplified Chinese: `label(Language.ZH_CN)` (survey enums). */
fun SurveyKind.label(): String = label(null)

/** The label in Simplified Chinese. */
fun SurveyState.label(): String = label(null)

/** The label in Simplified Chinese. */
fun Dimension.label(): String = label(null)
/** The label in Simplified Chinese: `label(Language.ZH_CN)` (patrol enums). */
fun CheckpointKind.label(): String = label(null)

/** The label in Simplified Chinese. */
fun PatrolTiming.label(): String = label(null)

/** The label in Simplified Chinese. */
fun PatrolTaskStatus.label(): String = label(null)

/** The gross area fees are charged on: `area(internal = false)`. */
fun EstateUnit.area(): java.math.BigDecimal = area(false)

// java.time overloads: the generated API takes what crosses the FFI ("HH:MM" strings,
// minutes of UTC offset, weekdays 0 = Monday, seconds); these take and give the
// java.time types and convert, nothing more.

/** The weekday number of the core: 0 = Monday … 6 = Sunday. */
private fun DayOfWeek.coreNumber(): Int = value - 1

/** The offset in whole minutes; an offset with seconds (none in use since 1972) is
 * refused as the core refuses an offset beyond ±18 hours, in every module alike:
 * `out_of_range` at `path` (a calendar's `calendar.utc_offset_minutes`, a checklist's
 * or a notice's `utc_offset_minutes`). */
private fun ZoneOffset.wholeMinutes(path: String = "calendar.utc_offset_minutes"): Int {
    if (totalSeconds % 60 != 0) {
        val detail = "$path: $this is not a whole number of minutes"
        throw EstateKitException.Validation("out_of_range", path, detail, messageZh = "$path：时区偏移须为整分钟", messageEn = detail)
    }
    return totalSeconds / 60
}

/**
 * Working hours `start`–`end` (local time at `offset`) on `days`, with public holidays
 * and make-up working days (调休补班):
 * `BusinessCalendar.weekly(LocalTime.of(9, 0), LocalTime.of(18, 0), EnumSet.range(MONDAY, FRIDAY), ZoneOffset.ofHours(8))`.
 * The calendar keeps a fixed offset: for a `ZoneId` without daylight saving time
 * (`Asia/Shanghai` today) pass `zone.rules.getOffset(Instant.now())`.
 */
fun BusinessCalendar.Companion.weekly(
    start: LocalTime,
    end: LocalTime,
    days: Collection<DayOfWeek>,
    offset: ZoneOffset,
    holidays: List<LocalDate> = listOf(),
    workdays: List<LocalDate> = listOf(),
): BusinessCalendar = weekly(
    start.format(HH_MM), end.format(HH_MM), days.map { it.coreNumber() }.sorted(), offset.wholeMinutes(), holidays, workdays,
)

private val HH_MM: DateTimeFormatter = DateTimeFormatter.ofPattern("HH:mm")

/** The calendar's fixed UTC offset. */
val BusinessCalendar.utcOffset: ZoneOffset
    get() = ZoneOffset.ofTotalSeconds(utcOffsetMinutes() * 60)

/** Working time between two instants. */
fun BusinessCalendar.workingTimeBetween(start: Instant, end: Instant): Duration =
    Duration.ofSeconds(secondsBetween(start, end))

/** Working time between two offset date-times. */
fun BusinessCalendar.workingTimeBetween(start: OffsetDateTime, end: OffsetDateTime): Duration =
    workingTimeBetween(start.toInstant(), end.toInstant())

/** The instant `amount` of working time after `start` (whole seconds; a negative
 * amount is `negative` at `seconds`, as `addSeconds`). */
fun BusinessCalendar.addWorkingTime(start: Instant, amount: Duration): Instant = addSeconds(start, amount.seconds)

/** Whether `date` (local) is a working day. */
fun BusinessCalendar.isWorkingDay(date: OffsetDateTime): Boolean =
    isWorkingDay(date.withOffsetSameInstant(utcOffset).toLocalDate())

/** Response time left (negative when overdue). */
val SlaStatus.responseRemaining: Duration
    get() = Duration.ofSeconds(responseRemainingSeconds)

/** Resolution time left (negative when overdue). */
val SlaStatus.resolutionRemaining: Duration
    get() = Duration.ofSeconds(resolutionRemainingSeconds)

/** The response target as a `Duration` when its clock counts minutes (calendar or
 * business), null when it counts days (`CALENDAR_DAYS`, `WORKING_DAYS`: see
 * `responseAmount`). */
val SlaStatus.responseTarget: Duration?
    get() = targetDuration(responseClock, responseAmount)

/** The resolution target as a `Duration` when its clock counts minutes, else null. */
val SlaStatus.resolutionTarget: Duration?
    get() = targetDuration(resolutionClock, resolutionAmount)

private fun targetDuration(clock: SlaClock, amount: Long): Duration? = when (clock) {
    SlaClock.MINUTES, SlaClock.BUSINESS_MINUTES -> Duration.ofMinutes(amount)
    SlaClock.CALENDAR_DAYS, SlaClock.WORKING_DAYS -> null
}

// UTC offsets as ZoneOffset for check-in and notices (`out_of_range` at
// `utc_offset_minutes` for an offset the core refuses, as with minutes).

/**
 * Starts the check-in of `unitId` at the estate's fixed `offset` (Beijing:
 * `ZoneOffset.ofHours(8)`): `start(..., mode, offset.totalSeconds / 60)`.
 */
fun Checklist.Companion.start(
    template: CheckinTemplate,
    unitId: String,
    owner: String,
    startedOn: LocalDate,
    offset: ZoneOffset,
    mode: HandoverMode? = null,
): Checklist = start(template, unitId, owner, startedOn, mode, offset.wholeMinutes("utc_offset_minutes"))

/** The checklist's fixed UTC offset. */
val Checklist.utcOffset: ZoneOffset
    get() = ZoneOffset.ofTotalSeconds(utcOffsetMinutes() * 60)

/** The ticket's fixed UTC offset (its local dates: deadlines in working days, visits). */
val TicketFlow.utcOffset: ZoneOffset
    get() = ZoneOffset.ofTotalSeconds(utcOffsetMinutes() * 60)

/** The notice's header in `lang` (default zh-CN), the window in local time at `offset`. */
fun noticeHeader(notice: Notice, offset: ZoneOffset, lang: Language? = null): String =
    noticeHeader(notice, lang, offset.wholeMinutes("utc_offset_minutes"))
