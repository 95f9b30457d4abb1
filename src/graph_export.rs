//! Graph formats over `service::graph`, for analysts' own tools: GraphML (Gephi, yEd, NetworkX's
//! `read_graphml`), CSV node and edge lists (Gephi's spreadsheet import, pandas), and JSON Graph
//! Format v2 (jsongraphformat.info). A withheld value is left empty (GraphML: no `data`
//! element; CSV: an empty cell; JSON: `null`).

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::{
    domain::labels::Labelled,
    error::{Error, Result},
    service::graph::{Graph, GraphEdge, GraphNode},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    GraphMl,
    /// The node list, as CSV.
    NodesCsv,
    /// The edge list, as CSV (`source`, `target` are node ids).
    EdgesCsv,
    /// JSON Graph Format v2.
    Json,
}

impl GraphFormat {
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "graphml" => Ok(Self::GraphMl),
            "nodes-csv" | "nodes.csv" => Ok(Self::NodesCsv),
            "edges-csv" | "edges.csv" => Ok(Self::EdgesCsv),
            "json" | "jgf" => Ok(Self::Json),
            _ => Err(Error::bad_input(format!(
                "unknown graph format `{name}`: use graphml, nodes-csv, edges-csv or json"
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::GraphMl => "graphml",
            Self::NodesCsv => "nodes.csv",
            Self::EdgesCsv => "edges.csv",
            Self::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::GraphMl => "application/graphml+xml",
            Self::NodesCsv | Self::EdgesCsv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

/// The graph in `format`.
pub fn encode(graph: &Graph, format: GraphFormat) -> Result<Vec<u8>> {
    match format {
        GraphFormat::GraphMl => Ok(graphml(graph).into_bytes()),
        GraphFormat::NodesCsv => nodes_csv(&graph.nodes),
        GraphFormat::EdgesCsv => edges_csv(&graph.edges),
        GraphFormat::Json => serde_json::to_vec_pretty(&json_graph(graph)).map_err(Error::internal),
    }
}

/// One attribute of a node or an edge, as every format names it.
struct Attribute<T> {
    key: &'static str,
    /// GraphML's type: `string`, `int` or `long`.
    kind: &'static str,
    read: fn(&T) -> Option<String>,
}

const NODE_ATTRIBUTES: &[Attribute<GraphNode>] = &[
    Attribute {
        key: "nameZh",
        kind: "string",
        read: |n| Some(n.name_zh.clone()),
    },
    Attribute {
        key: "nameEn",
        kind: "string",
        read: |n| n.name_en.clone(),
    },
    Attribute {
        key: "kind",
        kind: "string",
        read: |n| Some(n.kind.code()),
    },
    Attribute {
        key: "municipality",
        kind: "string",
        read: |n| n.municipality.clone(),
    },
    Attribute {
        key: "park",
        kind: "string",
        read: |n| n.park.clone(),
    },
    Attribute {
        key: "segment",
        kind: "string",
        read: |n| n.segment.clone(),
    },
    Attribute {
        key: "depth",
        kind: "int",
        read: |n| n.depth.map(|d| d.to_string()),
    },
];

const EDGE_ATTRIBUTES: &[Attribute<GraphEdge>] = &[
    Attribute {
        key: "product",
        kind: "string",
        read: |e| Some(e.product.clone()),
    },
    Attribute {
        key: "segment",
        kind: "string",
        read: |e| e.segment.clone(),
    },
    Attribute {
        key: "sinceYear",
        kind: "int",
        read: |e| Some(e.since_year.to_string()),
    },
    Attribute {
        key: "annualValue",
        kind: "long",
        read: |e| e.annual_value.map(|v| v.to_string()),
    },
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn graphml(graph: &Graph) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
    );
    for a in NODE_ATTRIBUTES {
        let _ = writeln!(
            out,
            "  <key id=\"n_{0}\" for=\"node\" attr.name=\"{0}\" attr.type=\"{1}\"/>",
            a.key, a.kind
        );
    }
    for a in EDGE_ATTRIBUTES {
        let _ = writeln!(
            out,
            "  <key id=\"e_{0}\" for=\"edge\" attr.name=\"{0}\" attr.type=\"{1}\"/>",
            a.key, a.kind
        );
    }
    let _ = writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"directed\">",
        escape(&graph.name)
    );
    for node in &graph.nodes {
        let _ = writeln!(out, "    <node id=\"n{}\">", node.id);
        for a in NODE_ATTRIBUTES {
            if let Some(value) = (a.read)(node) {
                let _ = writeln!(
                    out,
                    "      <data key=\"n_{}\">{}</data>",
                    a.key,
                    escape(&value)
                );
            }
        }
        out.push_str("    </node>\n");
    }
    for edge in &graph.edges {
        let _ = writeln!(
            out,
            "    <edge id=\"e{}\" source=\"n{}\" target=\"n{}\">",
            edge.id, edge.source, edge.target
        );
        for a in EDGE_ATTRIBUTES {
            if let Some(value) = (a.read)(edge) {
                let _ = writeln!(
                    out,
                    "      <data key=\"e_{}\">{}</data>",
                    a.key,
                    escape(&value)
                );
            }
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

fn csv_of<T>(
    first: &[&str],
    attributes: &[Attribute<T>],
    rows: &[T],
    lead: impl Fn(&T) -> Vec<String>,
) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = first
        .iter()
        .copied()
        .chain(attributes.iter().map(|a| a.key))
        .collect();
    writer.write_record(&header).map_err(Error::internal)?;
    for row in rows {
        let mut record = lead(row);
        record.extend(attributes.iter().map(|a| (a.read)(row).unwrap_or_default()));
        writer.write_record(&record).map_err(Error::internal)?;
    }
    writer.into_inner().map_err(Error::internal)
}

fn nodes_csv(nodes: &[GraphNode]) -> Result<Vec<u8>> {
    // Gephi reads `Id` and `Label`; the rest are attributes.
    csv_of(&["Id", "Label"], NODE_ATTRIBUTES, nodes, |n| {
        vec![n.id.to_string(), n.name_zh.clone()]
    })
}

fn edges_csv(edges: &[GraphEdge]) -> Result<Vec<u8>> {
    csv_of(&["Id", "Source", "Target"], EDGE_ATTRIBUTES, edges, |e| {
        vec![e.id.to_string(), e.source.to_string(), e.target.to_string()]
    })
}

fn metadata<T>(attributes: &[Attribute<T>], row: &T) -> Value {
    let map: Map<String, Value> = attributes
        .iter()
        .map(|a| {
            let value = (a.read)(row).map_or(Value::Null, |v| {
                if a.kind == "string" {
                    Value::String(v)
                } else {
                    v.parse::<i64>().map_or(Value::String(v), Value::from)
                }
            });
            (a.key.to_owned(), value)
        })
        .collect();
    Value::Object(map)
}

fn json_graph(graph: &Graph) -> Value {
    let nodes: Map<String, Value> = graph
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.to_string(),
                json!({ "label": n.name_zh, "metadata": metadata(NODE_ATTRIBUTES, n) }),
            )
        })
        .collect();
    let edges: Vec<Value> = graph
        .edges
        .iter()
        .map(|e| {
            json!({
                "id": e.id.to_string(),
                "source": e.source.to_string(),
                "target": e.target.to_string(),
                "relation": "supplies",
                "directed": true,
                "metadata": metadata(EDGE_ATTRIBUTES, e),
            })
        })
        .collect();
    json!({ "graph": {
        "id": graph.name,
        "type": "industrial-chain",
        "label": graph.name,
        "directed": true,
        "nodes": nodes,
        "edges": edges,
    } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Graph {
        Graph {
            name: "sample".into(),
            nodes: vec![GraphNode {
                id: 1,
                name_zh: "甲 & 乙 <公司>".into(),
                name_en: None,
                kind: entity::enums::OrganizationKind::Enterprise,
                municipality: Some("YINCHUAN".into()),
                park: None,
                segment: Some("CHEM-01".into()),
                depth: Some(0),
            }],
            edges: vec![GraphEdge {
                id: 7,
                source: 1,
                target: 1,
                product: "煤".into(),
                segment: None,
                since_year: 2020,
                annual_value: None,
            }],
        }
    }

    #[test]
    fn graphml_escapes_names_and_leaves_withheld_values_out() {
        let xml = String::from_utf8(encode(&sample(), GraphFormat::GraphMl).unwrap()).unwrap();
        assert!(xml.contains("甲 &amp; 乙 &lt;公司&gt;"));
        assert!(xml.contains("<edge id=\"e7\" source=\"n1\" target=\"n1\">"));
        assert!(!xml.contains("<data key=\"e_annualValue\">"));
    }

    #[test]
    fn csv_lists_carry_gephis_columns_and_an_empty_cell_for_a_withheld_value() {
        let nodes = String::from_utf8(encode(&sample(), GraphFormat::NodesCsv).unwrap()).unwrap();
        assert!(nodes.starts_with("Id,Label,nameZh,"));
        let edges = String::from_utf8(encode(&sample(), GraphFormat::EdgesCsv).unwrap()).unwrap();
        assert_eq!(edges.lines().nth(1), Some("7,1,1,煤,,2020,"));
    }
}
