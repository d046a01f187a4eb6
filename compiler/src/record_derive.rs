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
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let mut found = false;
        let _ = a.parse_nested_meta(|m| {
            if m.path.segments.last().is_some_and(|s| s.ident == "Record") {
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
