//! Describing a JSON error without its content. serde's messages quote what they could
//! not read ("invalid type: string \"Anna de Vries\", expected u64"), and what they
//! read may be a report naming a person; a description that goes to a log or an
//! error chain says only what kind of error it was and where.

/// The error's category and position, never the text it was reading.
#[must_use]
pub fn without_content(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Io => "unreadable input",
        Category::Syntax => "not JSON",
        Category::Data => "a field of the wrong type or value",
        Category::Eof => "JSON cut short",
    };
    format!("{what} at line {} column {}", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_says_where_and_never_what() {
        let error = serde_json::from_str::<Vec<u64>>(r#"[1, "Anna de Vries"]"#).unwrap_err();
        assert!(error.to_string().contains("Anna"), "serde quotes it");
        let described = without_content(&error);
        assert!(!described.contains("Anna"), "{described}");
        assert!(described.contains("line 1 column"), "{described}");
    }
}
