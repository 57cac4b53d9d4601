//! Random constructs for checking the layout code against prettier itself:
//! `RPCFORGE_TS_FUZZ_DIR=/tmp/fuzz cargo test --lib typescript::fuzz -- --ignored`
//! writes TypeScript files that `prettier --check` must accept unchanged.

use super::filters::jsdoc_block;
use super::print::{self, TsType, Value};

/// A small deterministic generator (xorshift).
struct Rng(u64);

/// `below(n)`: numbers in `0..n` from the same generator, for the randomized tests.
pub(super) fn below_from(seed: u64) -> impl FnMut(u64) -> usize {
    let mut rng = Rng(seed);
    move |n| (rng.next() % n) as usize
}

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn ident(&mut self, max: usize) -> String {
        let len = 1 + self.below(max);
        let mut s = String::from("T");
        for _ in 1..len {
            s.push((b'a' + self.below(26) as u8) as char);
        }
        s
    }
    fn text(&mut self, max: usize) -> String {
        const ALPHABET: &[&str] = &[
            "a", "b", "-", " ", "'", "\"", "\\", "é", "日", "_", "$", "1", "\n", "*/", "x", "y",
        ];
        let len = self.below(max + 1);
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len())])
            .collect()
    }
    fn number(&mut self) -> String {
        const NUMBERS: &[&str] = &[
            "0",
            "1",
            "-1",
            "1.50",
            "2.0",
            "1e+05",
            "-3.25E-007",
            "123456789",
            "1.000",
        ];
        NUMBERS[self.below(NUMBERS.len())].to_string()
    }
    fn ty(&mut self, depth: usize) -> TsType {
        let pick = if depth > 3 {
            self.below(5)
        } else {
            self.below(11)
        };
        match pick {
            0 => TsType::Keyword(["string", "number", "boolean", "null", "unknown"][self.below(5)]),
            1 | 2 => TsType::Ref(self.ident(30)),
            3 => TsType::StringLit(self.text(25)),
            4 => TsType::NumberLit(self.number()),
            5 => TsType::Array(Box::new(self.ty(depth + 1))),
            6 => {
                let n = self.below(4);
                let items = (0..n).map(|_| self.ty(depth + 1)).collect();
                let rest = self.chance(40).then(|| Box::new(self.ty(depth + 1)));
                TsType::Tuple(items, rest)
            }
            7 => TsType::Generic(
                "Record".into(),
                vec![TsType::Keyword("string"), self.ty(depth + 1)],
            ),
            8 => TsType::Generic("Promise".into(), vec![self.ty(depth + 1)]),
            9 => TsType::IndexObject(Box::new(self.ty(depth + 1))),
            _ => {
                let n = 2 + self.below(5);
                let mut members: Vec<TsType> = (0..n).map(|_| self.ty(depth + 1)).collect();
                if self.chance(30) {
                    members.truncate(1);
                    members.push(TsType::Keyword("null"));
                }
                TsType::union(members)
            }
        }
    }
}

#[test]
#[ignore = "writes files for prettier; run by hand"]
fn fuzz_dump() {
    let dir =
        std::env::var("RPCFORGE_TS_FUZZ_DIR").unwrap_or_else(|_| "/tmp/rpcforge-ts-fuzz".into());
    std::fs::create_dir_all(&dir).unwrap();
    let files: u64 = std::env::var("RPCFORGE_TS_FUZZ_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    for file in 0..files {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (file + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut out = String::new();
        for i in 0..30 {
            let name = format!("{}{i}", rng.ident(40));
            let doc: Vec<String> = (0..rng.below(3)).map(|_| rng.text(60)).collect();
            out.push_str(&jsdoc_block(&doc, 0));
            out.push_str(&print::type_alias(&name, &rng.ty(0)));
            out.push_str("\n\n");
        }
        out.push_str("export interface Fuzz {\n");
        for _ in 0..40 {
            let key = if rng.chance(50) {
                rng.ident(30)
            } else {
                rng.text(20)
            };
            let doc: Vec<String> = (0..rng.below(2)).map(|_| rng.text(90)).collect();
            out.push_str("  ");
            out.push_str(&jsdoc_block(&doc, 2));
            out.push_str(&print::property_signature(
                &key,
                rng.chance(50),
                rng.chance(20),
                &rng.ty(0),
                2,
            ));
            out.push('\n');
        }
        out.push_str("  ");
        out.push_str(&print::index_signature(&rng.ty(0), 2));
        out.push_str("\n}\n\n");
        for _ in 0..3 {
            let n = 1 + rng.below(12);
            let names: Vec<String> = (0..n).map(|i| format!("{}{i}", rng.ident(12))).collect();
            out.push_str(&print::import(&names, "./types.js", rng.chance(50)));
            out.push('\n');
        }
        out.push('\n');
        out.push_str("export class Fuzz2 {\n  constructor(runtime: unknown) {\n");
        for _ in 0..10 {
            let target = format!("this.{}", rng.ident(50));
            out.push_str("    ");
            out.push_str(&print::assign_new(
                &target,
                &rng.ident(50),
                &["runtime".to_string()],
                4,
            ));
            out.push('\n');
        }
        out.push_str("  }\n");
        for _ in 0..30 {
            let mut params = Vec::new();
            if rng.chance(70) {
                params.push(format!(
                    "params{}: {}",
                    if rng.chance(30) { "?" } else { "" },
                    rng.ident(35)
                ));
            }
            params.push("options?: CallOptions".to_string());
            let result = TsType::Generic("Promise".into(), vec![rng.ty(1)]);
            out.push_str("\n  ");
            out.push_str(&print::method_head(&rng.ident(40), &params, &result, 2));
            out.push_str("\n    ");
            let wire = print::string_literal(&rng.text(70));
            out.push_str(&print::return_call(
                "this.#runtime.call",
                &[wire, "params".into(), "options".into()],
                4,
            ));
            out.push_str("\n  }\n");
        }
        out.push_str("}\n\n");
        for i in 0..5 {
            let n = rng.below(6);
            let props: Vec<(String, Value)> = (0..n)
                .map(|_| {
                    let key = if rng.chance(30) {
                        "Ab".to_string()
                    } else {
                        rng.ident(40)
                    };
                    let value = if rng.chance(50) {
                        Value::String(rng.text(60))
                    } else {
                        Value::Number(rng.number())
                    };
                    (key, value)
                })
                .collect();
            out.push_str(&print::const_object(
                &format!("{}{i}", rng.ident(60)),
                &props,
            ));
            out.push_str("\n\n");
        }
        out.pop();
        std::fs::write(format!("{dir}/fuzz{file:02}.ts"), out).unwrap();
    }
}
