#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iamlint_fuzz::Target::Embedded.run(data));
