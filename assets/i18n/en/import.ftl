# Messages of `okk import`: errors that stop an import, warnings, and the report (src/text/import.rs).

import-map-without-equals = --map entry «{ $part }» has no «=»; write it as field=Header, e.g. stage=Status
import-map-unknown-field = --map names an unknown field «{ $field }»; use one of: { $known }
import-map-empty-header = --map { $field }= has no header after «=»
import-map-header-missing = --map { $field }={ $header }: the file has no column «{ $header }»; its columns are: { $headers }
# The required fields as the user knows them (`--map` still takes their keys, external_id and stage).
import-field-external-id = ID
import-field-stage = stage
import-missing-column-hint = (profile { $profile } looks for { $expected })
import-missing-column = no { $label } column in the header{ $hint }; name it with --map { $field }=HEADER
import-formula-without-value = a formula cell holds no value (the program that wrote the file did not calculate it) and was imported empty: sheet «{ $sheet }», cell { $cell }{ $column }; open the file in Excel or LibreOffice, save it and import it again
import-formulas-without-values = { $count } formula cells hold no value (the program that wrote the file did not calculate them) and were imported empty; the first: sheet «{ $sheet }», cell { $cell }{ $column }; open the file in Excel or LibreOffice, save it and import it again
import-formulas-column = {" "}(column «{ $header }»)
import-wrong-field-count = this row has { $found } fields but the header has { $expected }; look for a stray delimiter or an unbalanced quote on this line
import-empty-required-column = the { $label } column «{ $column }» is empty; every row needs one
import-empty-required = no { $label } in this row
import-bad-amount = «{ $value }» is not an amount; kept as text
import-ambiguous-amount = «{ $value }» reads two ways, { $read } or { $other }: read as { $read }, as the { $profile } profile reads one separator before three digits; check the amount in the CRM
import-bad-date = «{ $value }» is not a date in a known format ({ $formats }); kept as text
import-no-such-day = «{ $value }» names a day the calendar does not have; kept as text
import-date-day = DD
import-date-month = MM
import-date-year = YYYY
import-date-year-short = YY
import-date-hour = hh
import-date-minute = mm
import-date-second = ss
import-bad-bool = «{ $value }» is not yes/no; kept as text
import-bad-status = «{ $value }» is not a status this profile knows; kept as text
import-duplicate-id-same = this row repeats the ID of an earlier row (or, for grouped product rows, of an earlier group) and is the same as it; the earlier row is the one imported, this one is skipped
import-duplicate-id-differs = this row repeats the ID of an earlier row (or, for grouped product rows, of an earlier group) but differs from it; the earlier row is the one imported, this one is skipped. If this row is the newer state, remove the earlier one from the file and import it again
import-duplicate-id-same-at = this row repeats the ID of line { $first } (for grouped product rows, of the group that starts there) and is the same as it; line { $first } is the one imported, this one is skipped
import-duplicate-id-differs-at = this row repeats the ID of line { $first } (for grouped product rows, of the group that starts there) but differs from it in { $n ->
        [one] the column
       *[other] the columns
    } { $columns }; line { $first } is the one imported, this one is skipped. If this row is the newer state, remove line { $first } from the file and import it again
import-duplicate-columns-more = { $columns } and { $count } more
import-no-rows = the file has a header but no rows: no card was imported, and no card of «{ $source }» was marked gone. An export with no rows is most often a filter in the CRM that matched no deal (or an export of another object): check the filter and export again
import-gone-withheld = the file holds none of the { $count ->
    [one] { $count } card
   *[other] { $count } cards
} the store has under the source «{ $source }», so none of them was marked gone: is it an export of another object (leads, not deals) or of another account? Import it with --source NAME to keep its cards apart, or with --partial if it is a filtered export
import-scientific-id = ID «{ $id }» is in scientific notation: Excel rounded a long number, so the card could never match its record in { $crm }, and deals whose IDs round alike would merge into one; nothing was imported. Export the deals from { $crm } again and import that file without opening it in Excel (or, in Excel, load the CSV through Data → From Text/CSV with this column's type set to Text)
import-the-crm = the CRM
import-unclosed-quote = a quoted field that starts in this record is never closed: the file ends inside quotes (the file may be truncated, or a quote inside a field is not doubled)
import-quote-not-doubled = a quote inside the quoted field of column { $column } is not doubled (a quote inside quotes is written as two): the field was read on to the next delimiter and its value is kept as read; check it, correct the export (or the deal in the CRM) and import again
import-not-utf8 = bytes here are not valid UTF-8; if the file is in another encoding, pass --encoding (e.g. --encoding windows-1251)
import-imported-before = { $file }: imported (each file is its own transaction: its cards stay in the store; only { $failed } changed nothing)
import-not-read = { $file }: not read: the import stopped at { $failed } (the files before it are imported); import this file once that one is fixed
import-nul-in-field = a NUL byte in this field: no CRM writes one in a text export, so the file is damaged; delete the byte (or the row), or export the deals again
import-undecodable = bytes at offset { $offset } cannot be decoded in the chosen encoding; pass the right one with --encoding
import-cannot-read = cannot read the file: { $error }
import-empty-file = empty file: there is no header row (the file is empty or holds only blanks)
import-binary-file = binary file: a NUL byte at offset { $at }, so this is not a text export; export the deals as CSV or XLSX
import-no-table = not a table: the file is HTML but holds no <table>; Bitrix24's "Export to Excel" writes one: export the deals again (or as CSV)
import-empty-table = broken table: the table has no rows; expected a header row of column names (ID, Стадия сделки, …), then a row per deal
import-html-empty-header = the table's first row (line { $line } of the file) has no text; the column names are expected there (ID, Стадия сделки, …)
import-html-truncated = the file ends inside the table, in its row { $row } (line { $line } of the file), with no </table>: it is cut off; export it again
import-html-nested-table = a table inside the table (line { $line } of the file): okk reads one flat table, as the CRM writes it; delete the inner one
import-html-second-table = a second table begins on line { $line } of the file: okk reads one table and cannot tell which one holds the deals; delete the other
import-html-at-line = { $what } (line { $line } of the file)
import-html-over-cell = this cell is over { $size }
import-html-long-markup = a tag, comment or attribute runs on past { $size } from line { $line } of the file, longer than any export writes one: the file is damaged
import-html-not-utf8 = bytes on line { $line } of the file are not valid UTF-8; if the file is in another encoding, pass --encoding (e.g. --encoding windows-1251)
import-html-reason = HTML table, { $reason }
import-html-merged-cell = a merged cell (line { $line } of the file) spans { $across ->
    [one] { $across } column
   *[other] { $across } columns
}{ $down ->
    [1] {""}
   *[other] {" "}and { $down } rows
}: its value went into «{ $first }»{ $besides ->
    [0] {""}
    [1] , and the column { $beside } beside it reads empty
   *[other] , and the columns { $beside } beside it read empty
}{ $down ->
    [1] {""}
   *[other] , and the rows below read these columns empty
}, as a spreadsheet shows the file. A Bitrix24 export merges no deal's cells: the file was edited by hand — check the card, or export the deals again
import-html-merged-emptied = { $empty }. A merged cell covers it — the cell of row { $row } (line { $line } of the file) spans { $across ->
    [one] { $across } column
   *[other] { $across } columns
}{ $down ->
    [1] {""}
   *[other] {" "}and { $down } rows
}: its value went into «{ $first }» of row { $row } alone, and the cells it covers read empty, as a spreadsheet shows the file. A Bitrix24 export merges no deal's cells: the file was edited by hand — unmerge the cell (its value in each row), or export the deals again
import-xml-workbook = an Excel 2003 XML spreadsheet (SpreadsheetML), which okk does not read: open it in Excel or LibreOffice and save it as .xlsx, or export the deals as CSV
import-sheet-html = --sheet «{ $sheet }»: this file is an HTML table (Bitrix24's "Export to Excel"), one table and no sheets; import it without --sheet
import-sheet-csv = --sheet «{ $sheet }»: this file is a CSV text, which has no sheets (--sheet picks a sheet of an xlsx, xls or ods workbook); import it without --sheet
import-broken-zip = broken zip: the file starts like an xlsx/ods (a zip archive) but its directory cannot be read ({ $error }); it may be truncated — export it again
import-zip-without-sheet = not a workbook: a zip archive ({ $entries ->
    [one] { $entries } file
   *[other] { $entries } files
}) with no spreadsheet in it (xlsx, xlsb or ods)
import-not-a-workbook-ole = not a workbook: an Office file that is not an Excel 97–2003 workbook, or one that is password-protected ({ $error }); save it as XLSX or CSV
import-broken-workbook-xml = its XML does not follow the format
import-broken-workbook = broken workbook: { $detail }; open it in a spreadsheet and save it again, or export CSV
import-workbook-reader-stopped = the sheet reader stopped
import-workbook-reader-failed = the reader gave up on it ({ $detail })
import-workbook-reader-says = the reader cannot read it ({ $detail })
import-xml-broken-detail = its XML does not follow the format ({ $detail })
import-xml-unknown-entity = it uses the entity «{ $entity }», which XML does not define (okk expands no entity a DOCTYPE declares)
import-xml-unterminated-entity = an «&» in its XML begins an entity that no «;» ends
import-xml-ends-early = its XML ends before the closing </{ $tag }>
import-part-larger-than-stated = a part of it unpacks to more than its zip directory states
import-workbook-password = it is password-protected; remove the password in Excel or LibreOffice and save it again
import-part-broken = part «{ $part }»: { $detail }
import-sheet-broken = sheet «{ $sheet }»: { $detail }
import-sheet-cell-broken = sheet «{ $sheet }», cell { $cell }: { $detail }; open the workbook in a spreadsheet and save it again, or export CSV
import-shared-string-missing = it refers to shared string { $index } (counted from 0), but the workbook's shared strings number { $count }
import-nul-in-cell = cell { $cell } holds a NUL character (an xlsx writes it _x0000_): no CRM writes one, so the file is damaged; delete the character (or the row), or export the deals again
import-sst-claims-too-many = { $part } says it holds { $claimed } shared strings (uniqueCount), but it is { $size }, room for { $most } at most (a string takes at least 5 bytes: <si/>)
import-sheet-rows-out-of-order = cell { $cell } comes after row { $row }: the sheet's rows are out of order, which spreadsheet programs never write; save the file again
import-sheet-cell-left-of-header = cell { $cell } is left of the header's first column, so it has no header; delete it or give it one
import-sheet-beyond-header = this row has a value in column { $column } but the header has { $width }; a cell beyond the header has no field to go to — give the column a header or delete the cell
import-limit-without-equals = --limit entry «{ $part }» has no «=»; write it as NAME=VALUE, e.g. columns=5000
import-limit-unknown = --limit names an unknown limit «{ $name }»; use one of: { $known }
import-limit-bad-value = --limit { $name }={ $value }: not a positive number
import-limit-bad-bytes = --limit { $name }={ $value }: not a positive number of bytes (K, M and G suffixes are fine: 64M)
import-gib = { $n } GiB
import-mib = { $n } MiB
import-kib = { $n } KiB
import-bytes = { $n } bytes
import-raise-limit = if the file is genuine, raise it with --limit { $name }=VALUE
import-over-limit = over the «{ $name }» limit: { $what }{ $raise }
import-over-columns = this row has more than { $value } columns
import-over-cell = this cell is over { $size } (a quote never closed also runs the rest of the file into one cell)
import-over-row = this row is over { $size }
import-over-rows = the file has more than { $value } data rows
import-over-other = { $name } is over { $value }
import-over-grid = the sheet spans { $rows } rows × { $columns } columns, more than { $value } cells, and an ods or xls sheet is read into memory whole
import-over-sheet-text = the sheet's cells hold { $size } of text once their repeats are counted, and an ods or xls sheet is read into memory whole, { $copies } times over: more than { $value }
import-its-part = its part «{ $part }»
import-the-part = its part «{ $part }»
import-over-workbook = the workbook is { $found }, over { $value }
import-over-unpacked = the workbook unpacks to more than { $value } (at least { $found }); a small file that unpacks to this much is a zip bomb
import-over-part = { $part } unpacks to { $found }, over { $value }; it would be read into memory whole
import-over-ratio = { $part } is packed { $found }:1, tighter than { $value }:1, the mark of a zip bomb
import-over-strings-claimed = { $part } says it holds { $claimed } shared strings (uniqueCount), and the reader sets { $slot } bytes aside for each before it reads one: { $need }, more than { $value }
import-over-strings = { $part } is read into memory whole, and its first { $count } shared strings alone take { $need } there ({ $slot } bytes each, and their text), more than { $value }
import-over-records = { $part } is read into memory whole, and its first { $count } records (styles, fonts, sheets, names, relationships) alone take { $need } there, more than { $value }
import-no-such-sheet = the workbook has no sheet «{ $want }»; its sheets are: { $names }
import-no-sheets = the workbook has no sheets
import-workbook-reason = workbook
import-unknown-encoding = unknown encoding «{ $label }»; use utf-8, utf-16le, utf-16be, windows-1251 (cp1251) or koi8-r
import-reason-bom = byte-order mark
import-reason-valid-utf8 = valid UTF-8
import-reason-mostly-utf8 = UTF-8 but for a few bad bytes
import-reason-guessed = not UTF-8 (line { $line } has bytes UTF-8 cannot hold); guessed from letter frequencies
import-reason-declared = declared in its <meta>
import-tab = tab
import-unknown-profile = unknown profile «{ $name }»; use auto, amocrm, bitrix24, hubspot, pipedrive, salesforce or generic
import-next-best = next best { $name } with { $n }
import-profile-detected = { $count } of its headers found ({ $shown }){ $runner }
import-profile-generic-by-map = no CRM profile matched; columns from --map
import-near-miss-in = { $field } in { $headers }
import-or = {" "}or{" "}
import-header-placeholder = HEADER
import-profile-near-miss = no { $fields } column in the header ({ $matched } are { $profile }'s headers; profile { $profile } looks for { $looks }); name { $count ->
    [one] it
   *[other] them
} with --map { $maps }
import-profile-not-recognised = no profile recognises these headers ({ $headers }); pass --profile NAME, or --map external_id=HEADER,stage=HEADER,... for any other CSV
import-report-profile = profile   { $profile } ({ $reason })
import-report-encoding = encoding  { $encoding } ({ $reason })
import-report-format = format    { $format } ({ $reason })
import-report-delimiter = delimiter «{ $delimiter }»
import-report-sheet = sheet «{ $sheet }»
import-report-rows = rows      { $rows } ({ $cards ->
    [one] { $cards } card
   *[other] { $cards } cards
})
import-report-cards = cards     { $inserted } new, { $updated } updated ({ $moved } moved stage), { $unchanged } unchanged, { $gone } gone
import-report-renamed = renamed   { $count ->
    [one] { $count } card is
   *[other] { $count } cards are
} at a stage the CRM renamed, under a name the funnel has for the same stage: not moved, and the new name alone changes nothing for their reviews
import-report-new-columns = new { $count ->
    [one] column
   *[other] columns
} { $columns } (no earlier import or sync of «{ $source }» had { $count ->
    [one] it
   *[other] them
}): { $cards ->
    [one] { $cards } card took a value from { $count ->
        [one] it
       *[other] them
    }
   *[other] { $cards } cards took a value from { $count ->
        [one] it
       *[other] them
    }
}, not a change of the card
import-report-missing-columns = not in this export: { $fields } (earlier imports or syncs of «{ $source }» had { $count ->
    [one] it
   *[other] them
}); the cards keep the values they had, not emptied
import-report-unknown-stages = unknown stages (not in the funnel; add them or their aliases), cards of «{ $source }»: { $stages }
import-report-unknown-stages-read = file rows at stages the funnel lacks, where the store holds no card of «{ $source }» (yet): { $stages }
import-report-probable-rename-before = the CRM probably renamed «{ $from }» to «{ $to }»: { $cards } of the { $held } cards of «{ $from }» read stand at «{ $to }» now{ $reviewed ->
    [0] {""}
   *[other] , { $reviewed } of them reviewed
}. Do this first: add «{ $to }» to the aliases of «{ $from }» in the funnel (on a server, then okk funnel apply), and import or sync after that: the cards stay at their stage{ $reviewed ->
    [0] {""}
   *[other] {" "}and their reviews stand; read first, the { $reviewed } reviewed cards go back to their auditors as changed
}
import-report-probable-rename-after = the CRM probably renamed «{ $from }» to «{ $to }»: { $cards } of the { $held } cards of «{ $from }» read stand at «{ $to }» now{ $reviewed ->
    [0] {""}
   *[other] , and their { $reviewed } reviewed cards went back to their auditors as changed since review
}. If it is a rename, add «{ $to }» to the aliases of «{ $from }» in the funnel (on a server, then okk funnel apply): the cards whose only change is the stage's name are then the cards their reviews saw again
import-unknown-stages-next = next: add these stages, or their names as aliases of a stage, to the funnel { $funnel }; or draft a funnel from the store's own stages: `okk funnel init --from-store --out store-funnel.toml`
import-report-not-exported = in no export of «{ $source }» (the funnel requires them; the CRM sends no such column, so the cards are not flagged for them): { $fields }
import-report-warnings = warnings  { $count }
import-report-warning = line { $line }{ $column }: { $message }
import-report-dry-run = dry run: nothing was written
import-detail-no-workbook-stream = no Workbook stream
import-detail-dimensions = a sheet's DIMENSIONS record ends before it starts
import-detail-zip-too-short = the file ends within its first bytes
import-detail-zip-entry = an entry of its directory cannot be read
