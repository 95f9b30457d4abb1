//! Points on a map: WGS-84 (GPS, GeoJSON) and GCJ-02 (the offset datum China's map SDKs such as
//! AMap and Tencent Maps draw in), and the conversion between them. The hub stores WGS-84.
//! GCJ-02 is WGS-84 shifted by a published formula inside China; the way back has no closed
//! form and is found by iteration to well under a centimetre.

use crate::error::{Error, Result};

/// A coordinate system of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datum {
    Wgs84,
    Gcj02,
}

/// A point: longitude (east) and latitude (north) in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub longitude: f64,
    pub latitude: f64,
}

impl Point {
    /// A point as a caller gives it, checked to lie in China (the only place a unit of the hub
    /// can be), and brought to WGS-84.
    pub fn parse(longitude: f64, latitude: f64, datum: Datum) -> Result<Self> {
        if !longitude.is_finite() || !latitude.is_finite() {
            return Err(Error::bad_input("a coordinate must be a number"));
        }
        let point = Self {
            longitude,
            latitude,
        };
        if !point.in_china() {
            return Err(Error::bad_input(
                "the point lies outside China (longitude 73–136° E, latitude 3–54° N)",
            ));
        }
        Ok(match datum {
            Datum::Wgs84 => point,
            Datum::Gcj02 => point.gcj02_to_wgs84(),
        })
    }

    /// The box GCJ-02 applies in.
    fn in_china(self) -> bool {
        (73.0..=136.0).contains(&self.longitude) && (3.0..=54.0).contains(&self.latitude)
    }

    /// This WGS-84 point in `datum`.
    pub fn in_datum(self, datum: Datum) -> Self {
        match datum {
            Datum::Wgs84 => self,
            Datum::Gcj02 => self.wgs84_to_gcj02(),
        }
    }

    /// The published GCJ-02 shift of a WGS-84 point (Krasovsky ellipsoid).
    pub fn wgs84_to_gcj02(self) -> Self {
        if !self.in_china() {
            return self;
        }
        const A: f64 = 6_378_245.0;
        const EE: f64 = 0.006_693_421_622_965_943;
        let (x, y) = (self.longitude - 105.0, self.latitude - 35.0);
        let mut d_lat =
            -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
        let mut d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
        let pi = std::f64::consts::PI;
        let waves = (20.0 * (6.0 * x * pi).sin() + 20.0 * (2.0 * x * pi).sin()) * 2.0 / 3.0;
        d_lat += waves
            + (20.0 * (y * pi).sin() + 40.0 * (y / 3.0 * pi).sin()) * 2.0 / 3.0
            + (160.0 * (y / 12.0 * pi).sin() + 320.0 * (y * pi / 30.0).sin()) * 2.0 / 3.0;
        d_lon += waves
            + (20.0 * (x * pi).sin() + 40.0 * (x / 3.0 * pi).sin()) * 2.0 / 3.0
            + (150.0 * (x / 12.0 * pi).sin() + 300.0 * (x / 30.0 * pi).sin()) * 2.0 / 3.0;
        let rad = self.latitude / 180.0 * pi;
        let magic = 1.0 - EE * rad.sin() * rad.sin();
        let sqrt_magic = magic.sqrt();
        d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * pi);
        d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad.cos() * pi);
        Self {
            longitude: self.longitude + d_lon,
            latitude: self.latitude + d_lat,
        }
    }

    /// The WGS-84 point whose GCJ-02 shift is this point, by fixed-point iteration.
    pub fn gcj02_to_wgs84(self) -> Self {
        let mut guess = self;
        for _ in 0..30 {
            let shifted = guess.wgs84_to_gcj02();
            let (d_lon, d_lat) = (
                shifted.longitude - self.longitude,
                shifted.latitude - self.latitude,
            );
            guess = Self {
                longitude: guess.longitude - d_lon,
                latitude: guess.latitude - d_lat,
            };
            if d_lon.abs() < 1e-9 && d_lat.abs() < 1e-9 {
                break;
            }
        }
        guess
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yinchuan_shifts_by_the_published_offset() {
        // The GCJ-02 offset around Yinchuan is some 0.006° east and 0.001° north.
        let wgs = Point {
            longitude: 106.231,
            latitude: 38.487,
        };
        let gcj = wgs.wgs84_to_gcj02();
        assert!((0.004..0.008).contains(&(gcj.longitude - wgs.longitude)));
        assert!((0.0..0.003).contains(&(gcj.latitude - wgs.latitude)));
    }

    #[test]
    fn a_point_converted_there_and_back_moves_less_than_a_centimetre() {
        let wgs = Point {
            longitude: 106.651,
            latitude: 38.094,
        };
        let back = wgs.wgs84_to_gcj02().gcj02_to_wgs84();
        assert!((back.longitude - wgs.longitude).abs() < 1e-7);
        assert!((back.latitude - wgs.latitude).abs() < 1e-7);
    }

    #[test]
    fn a_point_outside_china_is_refused_and_never_shifted() {
        assert!(Point::parse(2.35, 48.85, Datum::Wgs84).is_err());
        assert!(Point::parse(f64::NAN, 38.0, Datum::Wgs84).is_err());
        let paris = Point {
            longitude: 2.35,
            latitude: 48.85,
        };
        assert_eq!(paris.wgs84_to_gcj02(), paris);
    }
}
