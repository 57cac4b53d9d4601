//! OpenRPC 1.x documents (detected by their `openrpc` key), read into the same
//! format-neutral [`SourceDocument`] as the RPC schema document.

use indexmap::IndexMap;
use serde::Deserialize;

use super::document::Info;
use super::error::{InputError, pointer_push};
use super::json_schema::Schema;
use super::source::{
    ParamDescriptor, SourceDef, SourceDocument, SourceEvent, SourceMethod, SourceParams,
};

#[derive(Debug, Deserialize)]
pub struct OpenRpcDocument {
    pub openrpc: String,
    pub info: Info,
    #[serde(default)]
    pub servers: Vec<Server>,
    pub methods: Vec<Method>,
    #[serde(default)]
    pub components: Components,
}

#[derive(Debug, Deserialize)]
pub struct Server {
    #[serde(default)]
    pub name: Option<String>,
    pub url: String,
}

#[derive(Debug, Deserialize)]
pub struct Method {
    pub name: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub params: Vec<ContentDescriptor>,
    #[serde(default)]
    pub result: Option<ContentDescriptor>,
    #[serde(default)]
    pub deprecated: bool,
}

/// A content descriptor, or a `$ref` to one under `components.contentDescriptors`.
#[derive(Debug, Clone, Deserialize)]
pub struct ContentDescriptor {
    #[serde(rename = "$ref", default)]
    pub reference: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub schema: Option<Schema>,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Components {
    #[serde(default)]
    pub schemas: IndexMap<String, Schema>,
    #[serde(default)]
    pub content_descriptors: IndexMap<String, ContentDescriptor>,
}

const DESCRIPTOR_REF: &str = "#/components/contentDescriptors/";

impl OpenRpcDocument {
    pub fn into_source(self, file: &str) -> Result<SourceDocument, InputError> {
        let version = self.openrpc.clone();
        if !version.starts_with("1.") {
            return Err(InputError::new(
                file,
                "/openrpc",
                format!("expected an OpenRPC 1.x version, found {version:?}"),
            ));
        }
        let mut servers = IndexMap::new();
        for (i, server) in self.servers.iter().enumerate() {
            let name = server
                .name
                .clone()
                .unwrap_or_else(|| format!("server{}", i + 1));
            servers.insert(name, server.url.clone());
        }
        let descriptors = &self.components.content_descriptors;
        let resolve =
            |cd: &ContentDescriptor, at: &str| -> Result<(ContentDescriptor, String), InputError> {
                match &cd.reference {
                    None => Ok((cd.clone(), at.to_string())),
                    Some(r) => {
                        let name = r.strip_prefix(DESCRIPTOR_REF).ok_or_else(|| {
                            InputError::new(
                                file,
                                &pointer_push(at, "$ref"),
                                format!(
                                    "expected a reference to {DESCRIPTOR_REF}<name>, found {r:?}"
                                ),
                            )
                        })?;
                        let target = descriptors.get(name).ok_or_else(|| {
                        InputError::new(file, &pointer_push(at, "$ref"), format!(
                            "unresolvable reference {r:?}: no content descriptor named {name:?}"
                        ))
                    })?;
                        let target_at = pointer_push("/components/contentDescriptors", name);
                        if target.reference.is_some() {
                            return Err(InputError::new(
                                file,
                                &target_at,
                                "expected a content descriptor, found another reference",
                            ));
                        }
                        Ok((target.clone(), target_at))
                    }
                }
            };
        let mut methods = Vec::new();
        for (i, m) in self.methods.into_iter().enumerate() {
            let at = format!("/methods/{i}");
            let mut params = Vec::new();
            for (j, p) in m.params.iter().enumerate() {
                let (cd, cd_at) = resolve(p, &format!("{at}/params/{j}"))?;
                let name = cd.name.clone().ok_or_else(|| {
                    InputError::new(
                        file,
                        &cd_at,
                        "expected a content descriptor with a \"name\"",
                    )
                })?;
                let schema = cd.schema.clone().ok_or_else(|| {
                    InputError::new(
                        file,
                        &cd_at,
                        "expected a content descriptor with a \"schema\"",
                    )
                })?;
                params.push(ParamDescriptor {
                    name,
                    schema,
                    required: cd.required,
                    description: cd.description.clone().or(cd.summary.clone()),
                    deprecated: cd.deprecated,
                    pointer: pointer_push(&cd_at, "schema"),
                });
            }
            let result = match &m.result {
                None => None,
                Some(r) => {
                    let (cd, cd_at) = resolve(r, &format!("{at}/result"))?;
                    let schema = cd.schema.clone().ok_or_else(|| {
                        InputError::new(
                            file,
                            &cd_at,
                            "expected a content descriptor with a \"schema\"",
                        )
                    })?;
                    Some((schema, pointer_push(&cd_at, "schema")))
                }
            };
            methods.push(SourceMethod {
                name: m.name,
                summary: m.summary,
                description: m.description,
                deprecated: m.deprecated,
                params: if params.is_empty() {
                    None
                } else {
                    Some(SourceParams::Descriptors(params))
                },
                result,
                pointer: at,
            });
        }
        let defs = self
            .components
            .schemas
            .into_iter()
            .map(|(name, schema)| SourceDef::new("/components/schemas", name, schema))
            .collect();
        Ok(SourceDocument {
            format: format!("openrpc {version}"),
            info: self.info,
            servers,
            methods,
            events: Vec::<SourceEvent>::new(),
            defs,
        })
    }
}
