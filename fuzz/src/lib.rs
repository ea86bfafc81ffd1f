//! Structure-aware input for the fuzz targets without touching `shared/src`: a serde
//! `Deserializer` that answers every request of a type's derived `Deserialize` with
//! bytes from the fuzzer (`arbitrary::Unstructured`). Any `shared` type that derives
//! `Deserialize` (reports, election, station, the station's day, the app's events) is
//! thereby built directly from fuzz data, field by field, variant by variant, so the
//! fuzzer spends its time in the rules rather than in JSON syntax.
//!
//! Numbers lean towards the values where rules change (0, 1, `MAX_COUNT` and around
//! it, the integer limits) and timestamps towards the election day of the test
//! fixtures; strings sometimes come from a small dictionary of meaningful ids.
//!
//! Internally tagged enums (the protocol's messages) need `deserialize_any`, which a
//! non-self-describing source cannot answer well; those are fuzzed from bytes instead.

use std::fmt;

use arbitrary::Unstructured;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// 2026-03-18 07:30 local (06:30 UTC), when the fixtures' polls open.
pub const OPENS: i64 = 1_773_815_400_000;
/// The fixtures' closing time, 13.5 hours later.
pub const CLOSES: i64 = OPENS + 810 * 60_000;

/// Builds a `T` from fuzz data; `None` when the data runs out in a way `T` refuses.
pub fn build<T: DeserializeOwned>(u: &mut Unstructured<'_>) -> Option<T> {
    T::deserialize(&mut ArbDe { u, depth: 0 }).ok()
}

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl From<arbitrary::Error> for Error {
    fn from(e: arbitrary::Error) -> Self {
        Self(e.to_string())
    }
}

pub struct ArbDe<'a, 'b> {
    u: &'b mut Unstructured<'a>,
    depth: u32,
}

const MAX_DEPTH: u32 = 12;

fn interesting_u64(u: &mut Unstructured<'_>, max: u64) -> Result<u64, Error> {
    const EDGES: &[u64] = &[
        0, 1, 2, 3, 7, 10, 99, 100, 500, 1_000, 1_440, 99_999, 100_000, 100_001,
    ];
    let pick: u8 = u.arbitrary()?;
    let v = match pick {
        0..=79 => EDGES[usize::from(pick) % EDGES.len()],
        80..=95 => [max, max - 1, max / 2, max / 2 + 1][usize::from(pick) % 4],
        // Small figures, as a station would report them.
        96..=191 => u64::from(u.int_in_range(0..=u16::MAX)?),
        _ => u.arbitrary()?,
    };
    Ok(v.min(max))
}

fn interesting_i64(u: &mut Unstructured<'_>, min: i64, max: i64) -> Result<i64, Error> {
    let pick: u8 = u.arbitrary()?;
    let v = match pick {
        0..=15 => [0, 1, -1, min, max, min + 1, max - 1, OPENS, CLOSES][usize::from(pick) % 9],
        // Around the election day, by the minute or the second.
        16..=127 => OPENS.wrapping_add(i64::from(u.arbitrary::<i16>()?) * 60_000),
        128..=159 => CLOSES.wrapping_add(i64::from(u.arbitrary::<i16>()?) * 1_000),
        160..=191 => i64::from(u.arbitrary::<i16>()?),
        _ => u.arbitrary()?,
    };
    Ok(v.clamp(min, max))
}

/// Strings that mean something to the rules: checklist ids, station and list names,
/// empty and blank text, and text just over the length limit.
fn dictionary() -> Vec<String> {
    let mut words: Vec<String> = shared::domain::Election::default_checklist()
        .into_iter()
        .map(|item| item.id)
        .collect();
    words.extend(
        [
            "",
            " ",
            "GM0599-12",
            "GM0599",
            "GR2026",
            "Anna de Vries",
            "Bram Jansen",
            "inc-1",
            "K7QX-4M2P",
            "device-token-1",
            "wss://kiesdag.example/ws",
            "outbox/1",
            "day",
        ]
        .map(String::from),
    );
    words.push("x".repeat(shared::validation::MAX_TEXT_CHARS + 1));
    words.push("é".repeat(shared::validation::MAX_TEXT_CHARS));
    words
}

thread_local! {
    static WORDS: Vec<String> = dictionary();
}

impl ArbDe<'_, '_> {
    fn string(&mut self) -> Result<String, Error> {
        let pick: u8 = self.u.arbitrary()?;
        if pick < 96 {
            Ok(WORDS.with(|w| w[usize::from(pick) % w.len()].clone()))
        } else {
            let s: &str = self.u.arbitrary()?;
            Ok(s.to_owned())
        }
    }

    fn len(&mut self) -> Result<usize, Error> {
        if self.depth >= MAX_DEPTH {
            return Ok(0);
        }
        let pick: u8 = self.u.arbitrary()?;
        Ok(match pick {
            0..=239 => usize::from(pick % 6),
            _ => self.u.int_in_range(0..=120)?,
        })
    }
}

macro_rules! unsigned {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let v = interesting_u64(self.u, u64::from(<$t>::MAX))?;
            visitor.$visit(<$t>::try_from(v).unwrap_or(<$t>::MAX))
        }
    )*};
}

macro_rules! signed {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let v = interesting_i64(self.u, i64::from(<$t>::MIN), i64::from(<$t>::MAX))?;
            visitor.$visit(<$t>::try_from(v).unwrap_or(0))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut ArbDe<'_, '_> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        // Uuids then come as 16 bytes rather than as text to parse.
        false
    }

    /// Only internally tagged or untagged types ask for this; a guess at a value.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.u.int_in_range(0..=6u8)? {
            0 => visitor.visit_unit(),
            1 => visitor.visit_bool(self.u.arbitrary()?),
            2 => self.deserialize_u64(visitor),
            3 => self.deserialize_i64(visitor),
            4 => self.deserialize_f64(visitor),
            5 => self.deserialize_seq(visitor),
            _ => self.deserialize_string(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(self.u.arbitrary()?)
    }

    unsigned!(deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
              deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64);
    signed!(deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
            deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f32(self.u.arbitrary()?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let pick: u8 = self.u.arbitrary()?;
        let v = match pick {
            0..=31 => {
                [0.0, -0.0, f64::NAN, f64::INFINITY, 52.0, 4.5, 91.0, -181.0][usize::from(pick) % 8]
            }
            _ => self.u.arbitrary()?,
        };
        visitor.visit_f64(v)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_char(self.u.arbitrary()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.string()?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // Mostly 16 bytes: a uuid.
        let bytes: [u8; 16] = self.u.arbitrary()?;
        visitor.visit_byte_buf(bytes.to_vec())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let bytes: Vec<u8> = self.u.arbitrary()?;
        visitor.visit_byte_buf(bytes)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.depth < MAX_DEPTH && self.u.arbitrary()? {
            visitor.visit_some(self)
        } else {
            visitor.visit_none()
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let len = self.len()?;
        self.depth += 1;
        let r = visitor.visit_seq(Items {
            de: self,
            left: len,
        });
        self.depth -= 1;
        r
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.depth += 1;
        let r = visitor.visit_seq(Items {
            de: self,
            left: len,
        });
        self.depth -= 1;
        r
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let len = self.len()?;
        self.depth += 1;
        let r = visitor.visit_map(Items {
            de: self,
            left: len,
        });
        self.depth -= 1;
        r
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(fields.len(), visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let index = self.u.choose_index(variants.len())?;
        self.depth += 1;
        let r = visitor.visit_enum(Variant {
            de: self,
            index: u32::try_from(index).unwrap_or(0),
        });
        self.depth -= 1;
        r
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct Items<'x, 'a, 'b> {
    de: &'x mut ArbDe<'a, 'b>,
    left: usize,
}

impl<'de> SeqAccess<'de> for Items<'_, '_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> MapAccess<'de> for Items<'_, '_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        seed.deserialize(&mut *self.de)
    }
}

struct Variant<'x, 'a, 'b> {
    de: &'x mut ArbDe<'a, 'b>,
    index: u32,
}

impl<'de, 'x, 'a, 'b> EnumAccess<'de> for Variant<'x, 'a, 'b> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let index: de::value::U32Deserializer<Error> = self.index.into_deserializer();
        let value = seed.deserialize(index)?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, '_, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(&mut *self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(&mut *self.de, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(&mut *self.de, fields.len(), visitor)
    }
}

/// Panics already reported and being fixed, which the targets step over so that they
/// keep finding new ones: (file, what the panic message contains). Remove an entry
/// once its fix is in; `FUZZ_STRICT=1` ignores the whole list.
///
/// - Timestamp arithmetic (`plus_minutes`, `minutes_since`, `local_hh_mm`) overflows
///   for instants near the ends of `i64`, which a device can send as `recorded_at`.
/// - `projected_run_out` overflows on the same kind of instants.
pub const KNOWN_PANICS: &[(&str, &str)] = &[];

thread_local! {
    static KNOWN_HIT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook in front of libFuzzer's (which aborts): a panic listed in
/// `KNOWN_PANICS` only unwinds, for `tolerating_known` to catch; any other panic is a
/// crash as before.
pub fn install_known_panic_filter() {
    if std::env::var_os("FUZZ_STRICT").is_some_and(|v| v != "0") {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let known = info.location().is_some_and(|at| {
            KNOWN_PANICS
                .iter()
                .any(|(file, text)| at.file().ends_with(file) && message.contains(text))
        });
        if known {
            KNOWN_HIT.with(|hit| hit.set(true));
        } else {
            previous(info);
        }
    }));
}

/// Runs `f`; `None` when it hit a known panic (see `KNOWN_PANICS`).
pub fn tolerating_known<T>(f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            if KNOWN_HIT.with(|hit| hit.replace(false)) {
                None
            } else {
                std::panic::resume_unwind(payload)
            }
        }
    }
}
