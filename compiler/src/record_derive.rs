//! `#[derive(Record)]`: a plain struct as a Redis hash (and as JSON), on the client and in
//! native twins. The impls go through `::redlua` paths only.
//!
//! Inside a `#[redlua::library]` module the compiler also reads the derive (see
//! `is_record`) and translates `hgetall_as::<T>`, `hset_record` and record replies.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

/// True when `item` carries `#[derive(.., Record, ..)]` (also `redlua::Record`).
pub fn is_record(attrs: &[syn::Attribute]) -> bool {
    derives(attrs, "Record")
}

/// True when `item` carries `#[derive(.., Json, ..)]` (also `redlua::Json`).
pub fn is_json(attrs: &[syn::Attribute]) -> bool {
    derives(attrs, "Json")
}

/// True when `attrs` derive the trait `name`.
pub(crate) fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|m| {
            if m.path.segments.last().is_some_and(|s| s.ident == name) {
                found = true;
            }
            Ok(())
        });
        found
    })
}

/// The expansion of `#[derive(Record)]` on `item`.
pub fn expand(item: TokenStream) -> TokenStream {
    let st: syn::ItemStruct = match syn::parse2(item) {
        Ok(s) => s,
        Err(e) => {
            return syn::Error::new(e.span(), "redlua::record: `#[derive(Record)]` works on structs only\n  = help: write `struct Job { id: String, .. }`").to_compile_error();
        }
    };
    let span = st.ident.span();
    let syn::Fields::Named(named) = &st.fields else {
        return syn::Error::new(span, "redlua::record: a record needs named fields (the names of its hash fields)\n  = help: name the fields: `struct Job { id: String, attempts: i64 }`").to_compile_error();
    };
    if !st.generics.params.is_empty() {
        return syn::Error::new(st.generics.span(), "redlua::record: a record cannot be generic\n  = help: write its field types out").to_compile_error();
    }
    let name = &st.ident;
    let text = name.to_string();
    let idents: Vec<&syn::Ident> = named.named.iter().filter_map(|f| f.ident.as_ref()).collect();
    let names: Vec<String> = idents.iter().map(|i| i.to_string().trim_start_matches("r#").to_string()).collect();
    let tys: Vec<&syn::Type> = named.named.iter().map(|f| &f.ty).collect();
    quote! {
        impl ::redlua::record::Record for #name {
            const NAME: &'static str = #text;

            fn to_hash(&self) -> ::std::vec::Vec<(&'static str, ::std::option::Option<::std::vec::Vec<u8>>)> {
                ::std::vec![#((#names, ::redlua::record::HashField::to_text(&self.#idents)),)*]
            }

            fn from_hash(fields: &[(::std::vec::Vec<u8>, ::std::vec::Vec<u8>)]) -> ::std::result::Result<Self, ::std::string::String> {
                ::std::result::Result::Ok(#name {
                    #(#idents: <#tys as ::redlua::record::HashField>::from_text(::redlua::__private::field(fields, #names), #text, #names)?,)*
                })
            }
        }

        impl ::redlua::__private::redis::FromRedisValue for #name {
            fn from_redis_value(v: ::redlua::__private::redis::Value) -> ::std::result::Result<Self, ::redlua::__private::redis::ParsingError> {
                let fields = ::redlua::__private::reply_fields(v)?;
                <#name as ::redlua::record::Record>::from_hash(&fields).map_err(::std::convert::From::from)
            }
        }

        impl ::redlua::__private::redis::ToRedisArgs for #name {
            fn write_redis_args<W>(&self, out: &mut W)
            where
                W: ?Sized + ::redlua::__private::redis::RedisWrite,
            {
                for (f, v) in <#name as ::redlua::record::Record>::to_hash(self) {
                    if let ::std::option::Option::Some(v) = v {
                        out.write_arg(f.as_bytes());
                        out.write_arg(&v);
                    }
                }
            }
        }
    }
}

/// The expansion of `#[derive(Json)]` on `item`: `redlua::Json`, reading and writing the
/// struct as a JSON object of its fields (see `redlua::json`).
pub fn expand_json(item: TokenStream) -> TokenStream {
    let st: syn::ItemStruct = match syn::parse2(item) {
        Ok(s) => s,
        Err(e) => {
            return syn::Error::new(e.span(), "redlua::record: `#[derive(Json)]` works on structs only\n  = help: write `struct Job { id: String, .. }`").to_compile_error();
        }
    };
    let span = st.ident.span();
    let syn::Fields::Named(named) = &st.fields else {
        return syn::Error::new(span, "redlua::record: a JSON struct needs named fields (the keys of its object)\n  = help: name the fields: `struct Job { id: String, attempts: i64 }`").to_compile_error();
    };
    if !st.generics.params.is_empty() {
        return syn::Error::new(st.generics.span(), "redlua::record: a JSON struct cannot be generic\n  = help: write its field types out").to_compile_error();
    }
    let name = &st.ident;
    let text = name.to_string();
    let idents: Vec<&syn::Ident> = named.named.iter().filter_map(|f| f.ident.as_ref()).collect();
    let names: Vec<String> = idents.iter().map(|i| i.to_string().trim_start_matches("r#").to_string()).collect();
    // `{"id":` then `,"attempts":` ..: field names are identifiers, nothing to escape.
    let keys: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{}\"{n}\":", if i == 0 { "{" } else { "," })).collect();
    let close = if names.is_empty() { "{}" } else { "}" };
    quote! {
        impl ::redlua::Json for #name {
            fn type_name() -> ::std::string::String {
                ::std::string::String::from(#text)
            }

            fn write_json(&self, out: &mut ::std::string::String) {
                #(
                    out.push_str(#keys);
                    ::redlua::Json::write_json(&self.#idents, out);
                )*
                out.push_str(#close);
            }

            fn read_json(v: &::redlua::__private::JsonValue, path: &str) -> ::std::result::Result<Self, ::std::string::String> {
                let members = ::redlua::__private::json_object(v, path, #text)?;
                ::std::result::Result::Ok(#name {
                    #(#idents: ::redlua::__private::json_field(members, path, #names)?,)*
                })
            }
        }
    }
}
