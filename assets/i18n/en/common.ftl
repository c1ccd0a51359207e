# Words many areas share: counted nouns (plural forms come from CLDR through Fluent).

# A duration to the second (abbreviated units take no plural forms).
common-seconds = { $seconds } s
common-minutes = { $minutes } min { $seconds } s

# Where `--out -` writes: named in the messages about the file written.
common-stdout = standard output

common-cards = { $count ->
    [one] { $count } card
   *[other] { $count } cards
}
common-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
common-reviews = { $count ->
    [one] { $count } review
   *[other] { $count } reviews
}

# What an operating system's error means, by its kind (the OS's own text is English only).
common-os-not-found = no such file or directory
common-os-permission-denied = permission denied
common-os-already-exists = a file or directory of that name is already there
common-os-is-a-directory = it is a directory, not a file
common-os-not-a-directory = a part of the path is not a directory
common-os-storage-full = the disk is full
common-os-read-only = the file system is read-only
common-os-too-large = the file is too large
common-os-invalid-name = the file name is not valid here
common-os-unexpected-end = the file ends too early
common-os-out-of-memory = out of memory
# The form of a week: iso (2026-W49) or dates (30.11–06.12); not translated text.
common-week-form = iso
