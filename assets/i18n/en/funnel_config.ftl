# The funnel config (src/text/funnel_config.rs): problems found in the funnel TOML, each saying what
# is wrong and how to fix it (the caller adds file:line:column), and the labels of `okk funnel show`.
# TOML keys and values ("open", must_be, [[stages]]) stay as the file writes them.

funnel_config-none = (none)
funnel_config-cannot-read = cannot read the funnel file ({ $error }); check the path and that the file is readable
funnel_config-not-utf8 = the file is not UTF-8 text; save it as UTF-8 (in Notepad: Save as → Encoding → UTF-8)
funnel_config-syntax = not valid TOML: { $detail }; fix the text at this spot
funnel_config-unknown-key-none = unknown key «{ $key }»; this table takes no keys, remove it
funnel_config-unknown-key = unknown key «{ $key }»; remove it or use one of: { $expected }
funnel_config-duplicate-key = this key is set twice in the same table; keep only one
funnel_config-table-twice = the table [{ $name }] is written twice: several tables of one name are a list, each headed with double brackets, [[{ $name }]]; a single table is written once
funnel_config-missing-key = the key «{ $key }» is missing; add { $key } = … to this table
funnel_config-unknown-value = «{ $value }» is not a value this key takes; use one of: { $expected }
funnel_config-syntax-no-value = not valid TOML: this key has no value; write key = value
funnel_config-syntax-unquoted = not valid TOML: text must be in quotes; write "…"
funnel_config-syntax-control-in-string = not valid TOML: a control character (an escape, a bell) is written raw in this text; write it as \u001b, or take it out
funnel_config-number-too-big = the number { $value } is too big for any key here; write a smaller whole number
funnel_config-syntax-unclosed-string = not valid TOML: the text is not closed; end it with the quote it begins with
funnel_config-syntax-unclosed-header = not valid TOML: the table's header is not closed; end it with ] (]] for [[…]])
funnel_config-syntax-unclosed-list = not valid TOML: the list is not closed; end it with ]
funnel_config-syntax-list-comma = not valid TOML: a comma is missing between the list's items
funnel_config-syntax-one-per-line = not valid TOML: one key = value a line; start a new line here
funnel_config-syntax-bad-key = not valid TOML: a key is missing or not valid here; write it in letters, digits, - and _, or in quotes
funnel_config-table-for-list = a single [table] stands where a list of tables belongs; write its header with double brackets, [[…]]
funnel_config-want-integer = a whole number, without quotes
funnel_config-want-string = text in double quotes
funnel_config-want-bool = true or false, without quotes
funnel_config-want-list = a list in square brackets, e.g. ["a", "b"]
funnel_config-want-table = a table ([[…]] header or {"{"} … {"}"})
funnel_config-wrong-type = { $found } is the wrong type here; write { $want }

funnel_config-funnel-name-missing = the funnel has no name; add name = "…" at the top of the file
funnel_config-checklist-default-unknown = checklist_default «{ $value }» is not known; use "pass", "fail" or "na"
funnel_config-checks-unknown = checks «{ $value }» is not known; use "filled" (the field is filled in) or "valid" (its value passes the stage's rules)
funnel_config-no-stages = the funnel has no stages; add at least one [[stages]] table with a name

funnel_config-stage-name-missing = the stage has no name; add name = "…" with the stage name as the CRM shows it
funnel_config-alias-empty = an empty alias matches nothing; remove it or write the other name
funnel_config-duplicate-stage-name = «{ $name }» is already a name or alias of stage «{ $first }» (line { $line }, column { $column }); every stage name and alias must be unique, so remove or rename one of them
funnel_config-stage-kind-unknown = kind «{ $value }» is not known; use "open", "won" or "lost"
funnel_config-idle-days-out-of-range = max_idle_days { $days } is out of range; use a whole number of days from 1 up, or remove the key to turn the idle limit off
funnel_config-field-unknown = no profile or custom field provides «{ $label }»; declare it under [[custom_fields]] or use one of: { $options }
funnel_config-bound-field-not-custom = «{ $label }» is a profile field, and `fields` binds custom fields only; move it to `required`
funnel_config-bound-field-unknown = no custom field «{ $label }» is declared; declare it under [[custom_fields]] or bind one of: { $options }

funnel_config-checklist-id-missing = the checklist item has no id; add id = "…" (a short latin name, unique within the stage)
funnel_config-checklist-text-missing = the checklist item has no text; add text = "…" with what the auditor checks
funnel_config-checklist-id-duplicate = checklist id «{ $id }» is already used in this stage (line { $line }, column { $column }); give each item its own id
funnel_config-weight-out-of-range = weight { $weight } is out of range; use a whole number from 1 to 100
funnel_config-scale-out-of-range = scale { $scale } is out of range; use a whole number from 1 to 10, or remove the key for a pass/fail item

funnel_config-custom-field-name-missing = the custom field has no name; add name = "…" with the column header the CRM exports
funnel_config-custom-field-type-unknown = type «{ $value }» is not known; use "text", "date", "number", "bool" or "list"
funnel_config-custom-field-duplicate = «{ $name }» is already a name or alias of custom field «{ $first }» (line { $line }, column { $column }); remove or rename one of them
funnel_config-custom-field-is-system = «{ $name }» is the name of a profile field; rename the custom field so the two cannot be confused

funnel_config-marker-list-not-a-list = marker list «{ $name }» must be a list of phrases, found { $found }; write e.g. { $name } = ["отказ", "не актуально"]
funnel_config-marker-not-text = a marker is a phrase in double quotes, found { $found }; write it as "…"
funnel_config-marker-without-words = this marker has no words to match; remove it or write the phrase
funnel_config-item-flag-unknown = there is no rule «{ $code }»; an item's flags name rules: { $codes }
funnel_config-rule-code-unknown = there is no rule «{ $code }»; [rules] takes: { $codes }
funnel_config-rule-level-unknown = «{ $value }» is not a severity; use "info", "warning", "critical" or "off"
funnel_config-severity-unknown = severity «{ $value }» is not known; use "info", "warning" or "critical" (to turn a rule off, remove it)
funnel_config-rule-kind-missing = the rule has no kind; add kind = "date" or kind = "markers"
funnel_config-rule-kind-unknown = rule kind «{ $kind }» is not known; a stage configures "date" or "markers" rules
funnel_config-rule-kind-implicit = «{ $kind }» needs no [[stages.rules]] entry: it follows from the stage (required, max_idle_days, kind, skippable); set its severity or "off" under [rules]
funnel_config-rule-key-not-used = «{ $key }» is not read by a { $kind } rule; remove it
funnel_config-date-field-missing = the date rule has no field; add field = "…" with a date field's name
funnel_config-date-field-unknown = no profile or custom field provides «{ $label }»; a date rule reads one of: { $options }
funnel_config-date-field-not-date = «{ $label }» is not a date field; a date rule reads one of: { $options }
funnel_config-date-field-wrong-type = custom field «{ $label }» is of type { $kind }; a date rule needs type = "date" (change the field's type or name another field)
funnel_config-must-be-missing = the date rule has no must_be; add must_be = "future", "past", "not_passed", "before_field" or "after_field"
funnel_config-must-be-unknown = must_be «{ $value }» is not known; use "future", "past", "not_passed", "before_field" or "after_field"
funnel_config-other-missing = must_be = "{ $must_be }" compares with another field; add other = "…" with that date field
funnel_config-other-not-used = other is read only with "before_field" or "after_field", not with "{ $must_be }"; remove it
funnel_config-markers-list-missing = the markers rule names no list; add markers = "…" with one of: { $lists }
funnel_config-markers-list-unknown = there is no marker list «{ $name }»; declare it under [markers] or use one of: { $lists }
funnel_config-required-key-unknown = unknown key { $key } in a required entry; use {"{"} field = "…", severity = "…" {"}"}
funnel_config-required-field-missing = a required entry as a table needs field = "…" (and may set severity)
funnel_config-required-wrong-shape = expected a field name or {"{"} field = "…", severity = "…" {"}"}, found { $found }

funnel_config-word-text = text
funnel_config-word-number = a number
funnel_config-word-bool = true or false
funnel_config-word-date = a date
funnel_config-word-list = a list
funnel_config-word-table = a table
funnel_config-word-table-or-date = a table or a date
funnel_config-expecting-phrases = a list of phrases
funnel_config-expecting-required = a field name or {"{"} field = "…", severity = "…" {"}"}
funnel_config-expecting-keys = a key in quotes or a list of keys, e.g. "z" or ["i", "h"]

funnel_config-show-stages = Stages, in funnel order:
funnel_config-show-custom-fields = Custom fields:
funnel_config-show-no-custom-fields = Custom fields: none
funnel_config-show-extra-control = extra control
funnel_config-show-not-skippable = may not be skipped
funnel_config-show-critical = critical
funnel_config-show-item-flags = failed by the flags { $codes }
funnel_config-show-checks-valid = its value, not only that it is filled
funnel_config-show-rules = rules:
funnel_config-show-markers = Marker lists:
funnel_config-show-no-markers = Marker lists: none
funnel_config-show-off = off
funnel_config-show-title = Funnel: { $name }
funnel_config-show-checklist-default = Checklist items suggest: { $answer } (until a flag suggests otherwise)
funnel_config-show-queue-order = Review queue order: { $stages }
funnel_config-show-aliases = also named: { $aliases }
funnel_config-show-idle-limit = idle limit: { $days } days (idle past { $step }: one severity up)
funnel_config-show-no-idle-limit = idle limit: none
funnel_config-show-required = required: { $fields }
funnel_config-show-bound = fields: { $fields }
funnel_config-show-checklist = checklist ({ $count }):
funnel_config-show-scale = scale 0..{ $scale }
funnel_config-show-checks-field = checks «{ $label }»
funnel_config-show-date-rule = date «{ $field }» { $must_be }
funnel_config-show-date-rule-other = date «{ $field }» { $must_be } «{ $other }»
funnel_config-show-markers-rule = markers { $list }
funnel_config-show-rule-levels = Rule severities: { $levels }
funnel_config-show-no-task-rule = no_task: an open card needs a task scheduled (the nearest-task column)
funnel_config-show-answer-pass = pass
funnel_config-show-answer-fail = fail
funnel_config-show-answer-na = na
funnel_config-show-kind-open = open
funnel_config-show-kind-won = won
funnel_config-show-kind-lost = lost
funnel_config-show-type-text = text
funnel_config-show-type-date = date
funnel_config-show-type-number = number
funnel_config-show-type-bool = bool
funnel_config-show-type-list = list
funnel_config-show-must-be-future = future
funnel_config-show-must-be-past = past
funnel_config-show-must-be-not-passed = not_passed
funnel_config-show-must-be-before-field = before_field
funnel_config-show-must-be-after-field = after_field
funnel_config-show-weight = w{ $weight }
funnel_config-show-marker-list = { $list } ({ $count }): { $phrases }
funnel_config-show-rule-level = { $rule } { $level }
