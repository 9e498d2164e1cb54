/* The CIM page's 3D view: deck.gl (bundled under assets/vendor, loaded only on this page) drawing what the
   server describes in the page's spec store, from the cockpit's own layers — no tile server, no CDN.
   Dash drives it: a clientside callback hands each new spec to cockpitCim.render; a click on a building or on
   the ground goes back to Dash through set_props (stores cim-picked and cim-point). */
(function () {
  "use strict";
  const DECK_URL = "/assets/vendor/deck.gl-9.4.0.min.js";
  const FONT = '"Cockpit Sans", "Noto Sans CJK SC", sans-serif';
  const NETWORK_COLOURS = {
    water_supply: [64, 156, 255],
    drainage: [70, 200, 140],
    gas: [255, 200, 60],
    power: [255, 90, 90],
  };
  const MATERIAL = { ambient: 0.45, diffuse: 0.6, shininess: 24, specularColor: [60, 70, 90] };
  const CHUNK_DEG = 0.05; // the squares the buildings are drawn in, so a view draws only those on screen
  const LABEL_ZOOM = 15; // names are read from a neighbourhood's height down; above it they only clutter
  const MAIN_ROADS = /primary|trunk|motorway|secondary/;
  const WORLD = [-180, -90, 180, 90];
  const SLOW_MS = 50; // a move that takes longer to show makes the moving frames coarser
  const FAST_MS = 25; // one that shows sooner makes them finer again
  const LEAST = 200; // the moving budget never falls below this many features per layer
  const SETTLE_MS = 300; // after the camera stops, labels make room for each other again
  const CHUNK_PAD = 0.005; // a building in a square may reach this far past its edge
  const state = {
    lod: {}, // deck layer id -> {group, level, box, count} for the levels of detail
    full: {}, // side -> every layer of the side, before culling
    culled: {},
    chosen: {},
    budget: null, // most features a layer draws in a still frame
    movingBudget: null, // and while the camera moves: halved while the renderer drops camera moves
    askedAt: null, // when the oldest camera move not yet drawn was asked for
    waits: [], // how long moves took to reach the screen since the last check, ms
    checked: 0,
    culling: false,
    moving: false,
    settling: null,
    views: {}, // "a" and "b" (the comparison side): {deck, container}
    cache: {},
    spec: null,
    viewState: null,
    frames: 0,
    ready: false,
    loading: null,
  };

  function text(key, fallback) {
    return (window.cockpitText && window.cockpitText[key]) || fallback;
  }

  function loadDeck() {
    if (window.deck) return Promise.resolve();
    if (!state.loading) {
      state.loading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = DECK_URL;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return state.loading;
  }

  function fetched(url, kind) {
    if (!state.cache[url]) {
      state.cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(url + " answered " + r.status);
        return kind === "text" ? r.text() : r.json();
      });
    }
    return state.cache[url];
  }

  function hex(colour) {
    const n = parseInt(colour.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
  }

  function rgba(colour, alpha) {
    return [colour[0], colour[1], colour[2], Math.round(255 * alpha)];
  }

  function buildingColour(f, spec) {
    if (spec.picked && f.properties.id === spec.picked) return [255, 196, 0, 255];
    if (f.properties.dataset) return [200, 170, 230, 235];
    const base = f.properties.residential ? [126, 170, 222] : [150, 160, 178];
    return f.properties.height_source === "osm" ? base.concat(240) : base.concat(225);
  }

  function footprints(layer, data, spec, id) {
    return new window.deck.GeoJsonLayer({
      id: id,
      data: data,
      extruded: true,
      wireframe: false,
      filled: true,
      stroked: false,
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 220, 120, 255],
      opacity: layer.opacity,
      getElevation: function (f) { return f.properties.height || 9; },
      getFillColor: function (f) { return buildingColour(f, spec); },
      updateTriggers: { getFillColor: [spec.picked] },
      material: MATERIAL,
    });
  }

  function blockLayer(layer, cells, size, id) {
    return new window.deck.ColumnLayer({
      id: id,
      data: cells,
      diskResolution: 4,
      angle: 45,
      radius: size * 0.62,  // a square a little narrower than its cell, so streets show between blocks
      extruded: true,
      pickable: true,
      opacity: layer.opacity,
      getPosition: function (c) { return [c[0], c[1]]; },
      getElevation: function (c) { return c[2]; },
      getFillColor: function (c) { return c[4] >= 0.5 ? [126, 170, 222, 230] : [150, 160, 178, 230]; },
      material: MATERIAL,
    });
  }

  function chunks(items, where) {
    const groups = {};
    items.forEach(function (item) {
      const p = where(item);
      const key = Math.floor(p[0] / CHUNK_DEG) + "_" + Math.floor(p[1] / CHUNK_DEG);
      (groups[key] = groups[key] || []).push(item);
    });
    return Object.keys(groups).map(function (key) {
      const ij = key.split("_").map(Number);
      const box = [ij[0] * CHUNK_DEG, ij[1] * CHUNK_DEG, (ij[0] + 1) * CHUNK_DEG, (ij[1] + 1) * CHUNK_DEG];
      return { key: key, items: groups[key], box: box };
    });
  }

  function firstPoint(f) {
    let c = f.geometry.coordinates;
    while (Array.isArray(c[0])) c = c[0];
    return c;
  }

  /* A layer with coarser levels (the buildings and their blocks) becomes one deck layer per level and square of
     the city; cull() shows the finest level whose on-screen squares fit the frame budget, and only those. */
  function levelled(layer, data, levels, spec, side) {
    const made = [];
    function keep(deckLayer, level, chunk) {
      state.lod[deckLayer.id] = { group: side + ":" + layer.key, level: level, box: chunk.box, count: chunk.items.length };
      made.push(deckLayer);
    }
    levels.forEach(function (level, n) {
      chunks(level.cells, function (c) { return c; }).forEach(function (chunk) {
        keep(blockLayer(layer, chunk.items, level.cell_m, side + ":" + layer.key + "@" + level.cell_m + "#" + chunk.key),
          n, chunk);
      });
    });
    const clear = spec.clear;  // a site the scheme builds on: what stands there now makes way for its massing
    const standing = clear ? data.features.filter(function (f) {
      const p = firstPoint(f);
      return !(p[0] >= clear[0] && p[0] <= clear[2] && p[1] >= clear[1] && p[1] <= clear[3]);
    }) : data.features;
    chunks(standing, firstPoint).forEach(function (chunk) {
      keep(footprints(layer, chunk.items, spec, side + ":" + layer.key + "#" + chunk.key), levels.length, chunk);
    });
    return made;
  }

  function onScreen(side) {
    const element = container(side);
    const sized = Object.assign({}, state.viewState, {
      width: (element && element.clientWidth) || 1,
      height: (element && element.clientHeight) || 1,
    });
    const b = new window.deck.WebMercatorViewport(sized).getBounds();
    return [b[0] - CHUNK_PAD, b[1] - CHUNK_PAD, b[2] + CHUNK_PAD, b[3] + CHUNK_PAD];
  }

  function overlaps(a, b) {
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
  }

  function cull(side) {
    const view = state.views[side];
    const layers = state.full[side];
    if (!view || !view.deck || !layers || !state.viewState) return;
    const seen = onScreen(side);
    const totals = {};
    layers.forEach(function (l) {
      const m = state.lod[l.id];
      if (!m || !overlaps(m.box, seen)) return;
      const counts = (totals[m.group] = totals[m.group] || {});
      counts[m.level] = (counts[m.level] || 0) + m.count;
    });
    const chosen = {};
    Object.keys(totals).forEach(function (group) {
      const levels = Object.keys(totals[group]).map(Number).sort(function (x, y) { return y - x; });
      const most = state.moving ? state.movingBudget : state.budget;
      const fits = levels.filter(function (n) { return totals[group][n] <= most; });
      chosen[group] = fits.length ? fits[0] : levels[levels.length - 1];
    });
    const named = state.viewState.zoom >= LABEL_ZOOM;
    const shown = layers.map(function (l) {
      const m = state.lod[l.id];
      if (isLabels(l)) return named;
      return !m || (chosen[m.group] === m.level && overlaps(m.box, seen));
    });
    const key = shown.map(function (v) { return v ? 1 : 0; }).join("") + (state.moving ? "m" : "");
    state.chosen[side] = chosen;
    if (key === state.culled[side]) return;
    state.culled[side] = key;
    view.deck.setProps({
      layers: layers.map(function (l, i) {
        // while the camera moves, labels skip the collision pass (a whole extra render in software WebGL)
        if (isLabels(l)) return l.clone({ visible: shown[i], collisionEnabled: !state.moving });
        return state.lod[l.id] ? l.clone({ visible: shown[i] }) : l;
      }),
    });
  }

  function isLabels(layer) {
    return /:labels$/.test(layer.id);
  }

  /* Once a second while the camera moves: when a move takes more than SLOW_MS to reach the screen (a wall
     computer without a GPU), moving frames draw half as many features; when moves show within FAST_MS, twice as
     many, up to the still budget. Still frames always draw the full budget. */
  function adapt() {
    const now = performance.now();
    if (now - state.checked < 1000) return;
    const waits = state.waits;
    state.checked = now;
    state.waits = [];
    if (waits.length < 3 || state.budget === null) return;
    const mean = waits.reduce(function (a, b) { return a + b; }, 0) / waits.length;
    if (mean > SLOW_MS) state.movingBudget = Math.max(LEAST, Math.floor(state.movingBudget / 2));
    else if (mean < FAST_MS) state.movingBudget = Math.min(state.budget, state.movingBudget * 2);
    else return;
    state.culled = {};
  }

  function cullSoon() {
    if (state.culling) return;
    state.culling = true;
    window.requestAnimationFrame(function () {
      state.culling = false;
      Object.keys(state.views).forEach(cull);
    });
  }

  function lines(layer, data, id) {
    const pipe = layer.kind === "pipe";
    return new window.deck.GeoJsonLayer({
      id: id,
      data: data,
      stroked: true,
      filled: false,
      pickable: pipe,
      opacity: layer.opacity,
      lineWidthUnits: "meters",
      lineWidthMinPixels: 1,
      getLineWidth: function (f) {
        if (pipe) return 1.5;
        const kind = f.properties.kind || "";
        return /primary|trunk|motorway/.test(kind) ? 14 : /secondary|tertiary/.test(kind) ? 9 : 4;
      },
      getLineColor: function (f) {
        return pipe ? NETWORK_COLOURS[f.properties.network] || layer.colour : layer.colour;
      },
    });
  }

  function deckLayer(layer, data, spec, side) {
    const D = window.deck;
    const id = side + ":" + layer.key;
    const opacity = layer.opacity;
    if (layer.kind === "terrain") {
      return new D.BitmapLayer({ id: id, image: layer.url, bounds: data.bounds, opacity: opacity });
    }
    if (layer.kind === "extruded") return footprints(layer, data, spec, id);
    if (layer.kind === "line") {  // the main roads alone stand in for the network when it does not fit
      const main = data.features.filter(function (f) { return MAIN_ROADS.test(f.properties.kind || ""); });
      const group = side + ":" + layer.key;
      return [lines(layer, main, id + "@main"), lines(layer, data, id)].map(function (made, level) {
        state.lod[made.id] = { group: group, level: level, box: WORLD, count: level ? data.features.length : main.length };
        return made;
      });
    }
    if (layer.kind === "pipe") return lines(layer, data, id);
    if (layer.kind === "live") {
      const colours = (window.cockpitVocab && window.cockpitVocab.status) || {};
      return new D.GeoJsonLayer({
        id: id,
        data: data,
        pointType: "circle",
        pickable: true,
        opacity: opacity,
        getPointRadius: function (f) { return f.properties.status === "alarm" ? 22 : 12; },
        pointRadiusMinPixels: 3,
        getFillColor: function (f) { return hex(colours[f.properties.status] || "#8c8c8c"); },
        getLineColor: [7, 17, 31, 255],
        lineWidthMinPixels: 1,
      });
    }
    if (layer.kind === "point") {
      return new D.GeoJsonLayer({
        id: id,
        data: data,
        pointType: "circle",
        pickable: true,
        opacity: opacity,
        getPointRadius: 28,
        pointRadiusMinPixels: 3,
        getFillColor: rgba(layer.colour, 1),
        getLineColor: [255, 255, 255, 200],
        lineWidthMinPixels: 1,
      });
    }
    return new D.GeoJsonLayer({
      id: id,
      data: data,
      filled: true,
      stroked: false,
      opacity: opacity,
      getFillColor: rgba(layer.colour, 0.8),
    });
  }

  function labelLayer(data, side) {
    const D = window.deck;
    const extensions = D.CollisionFilterExtension ? [new D.CollisionFilterExtension()] : [];
    return new D.TextLayer({
      id: side + ":labels",
      data: data,
      getText: function (d) { return d.text; },
      getPosition: function (d) { return d.position; },
      getSize: function (d) { return d.kind === "road" ? 15 : 14; },
      getColor: function (d) { return d.kind === "road" ? [210, 225, 240, 255] : [255, 236, 180, 255]; },
      fontFamily: FONT,
      characterSet: "auto",
      background: true,
      getBackgroundColor: [7, 17, 31, 170],
      backgroundPadding: [3, 1],
      parameters: { depthCompare: "always" },  // names stay readable in front of the buildings
      billboard: true,
      collisionEnabled: true,
      extensions: extensions,
    });
  }

  function resultLayers(result, side) {
    const D = window.deck;
    if (!result || !result.features || !result.features.length) return [];
    return [
      new D.GeoJsonLayer({
        id: side + ":result",
        data: result,
        filled: true,
        stroked: true,
        pickable: true,
        pointType: "circle",
        getPointRadius: 12,
        pointRadiusMinPixels: 4,
        getFillColor: function (f) {
          const p = f.properties || {};
          if (p.role === "buffer" || p.minutes !== undefined && p.covered === undefined) return [255, 150, 40, 50];
          if (p.covered === false) return [255, 80, 80, 220];
          if (p.covered === true) return [80, 220, 140, 220];
          return [255, 170, 60, 220];
        },
        getLineColor: [255, 170, 60, 255],
        lineWidthMinPixels: 2,
      }),
    ];
  }

  function floodLayers(flood, side) {
    if (!flood) return [];
    return [new window.deck.BitmapLayer({ id: side + ":flood", image: flood.image, bounds: flood.bounds, opacity: 0.85 })];
  }

  function evacuationLayers(evacuation, state, side) {
    const D = window.deck;
    if (!evacuation) return [];
    const home = (state && state.still_home) || {};
    return [
      new D.GeoJsonLayer({
        id: side + ":evacuation-area",
        data: { type: "Feature", geometry: evacuation.area, properties: {} },
        filled: true,
        stroked: true,
        getFillColor: [255, 120, 60, 30],
        getLineColor: [255, 120, 60, 220],
        lineWidthMinPixels: 2,
      }),
      new D.ScatterplotLayer({
        id: side + ":evacuation-homes",
        data: evacuation.homes,
        pickable: true,
        getPosition: function (h) { return [h.lon, h.lat]; },
        getRadius: function (h) { return 6 + Math.sqrt(h.people); },
        radiusMinPixels: 3,
        getFillColor: function (h) { return home[String(h.id)] ? [255, 80, 80, 230] : [80, 220, 140, 230]; },
        updateTriggers: { getFillColor: [state && state.minute] },
      }),
      new D.ScatterplotLayer({
        id: side + ":evacuation-shelters",
        data: evacuation.shelters,
        pickable: true,
        getPosition: function (s) { return [s.lon, s.lat]; },
        getRadius: function (s) { return 10 + Math.sqrt(s.assigned) * 1.5; },
        radiusMinPixels: 5,
        stroked: true,
        getFillColor: function (s) { return s.full ? [255, 170, 0, 220] : [64, 156, 255, 220]; },
        getLineColor: [255, 255, 255, 255],
        lineWidthMinPixels: 2,
      }),
    ];
  }

  const CHANGE_COLOURS = { added: [80, 220, 140, 235], removed: [255, 80, 80, 150], changed: [255, 170, 40, 235] };

  function modelLayers(model, side) {
    if (!model) return [];
    return ["removed", "changed", "added"].map(function (change) {
      return new window.deck.GeoJsonLayer({
        id: side + ":model-" + change,
        data: { type: "FeatureCollection", features: model[change] || [] },
        extruded: true,
        pickable: true,
        wireframe: change === "removed",
        getElevation: function (f) { return (f.properties.height || 9) + 0.5; },
        getFillColor: CHANGE_COLOURS[change],
        getLineColor: [255, 80, 80, 255],
      });
    });
  }

  /* a scheme's buildings on its site (the planning page's 方案比选), coloured by use, each side its own scheme */
  function massingLayers(spec, side) {
    const scheme = spec.massing && spec.massing[side];
    if (!scheme) return [];
    const D = window.deck;
    return [
      new D.GeoJsonLayer({
        id: side + ":site",
        data: spec.site,
        filled: true,
        stroked: true,
        getFillColor: [255, 196, 0, 40],
        getLineColor: [255, 196, 0, 255],
        lineWidthMinPixels: 2,
      }),
      new D.GeoJsonLayer({
        id: side + ":massing",
        data: scheme,
        extruded: true,
        pickable: true,
        getElevation: function (f) { return f.properties.height; },
        getFillColor: function (f) { return hex(f.properties.colour).slice(0, 3).concat(240); },
        material: MATERIAL,
      }),
    ];
  }

  function tooltip(info) {
    const o = info.object;
    if (!o) return null;
    if (Array.isArray(o)) {  // a block of buildings
      return o[3] + " " + text("cim_block_buildings", "栋建筑") + " · " + text("cim_block_tallest", "最高") + " " + o[2] +
        " m · " + text("cim_block_homes", "住宅占比") + " " + Math.round(o[4] * 100) + "%\n" + text("cim_block_hint", "点击放大");
    }
    const p = o.properties || o;
    if (p.network) {
      return text("cim_network_" + p.network, p.network) + " · DN" + p.diameter_mm + " · " + text("cim_depth", "埋深") +
        " " + p.depth_m + " m · " + text("cim_generated", "生成");
    }
    if (p.change) {
      return text("cim_change_" + p.change, p.change) + (p.name ? " · " + p.name : "") +
        (p.height_before !== undefined ? " · " + p.height_before + " → " + p.height + " m" : "");
    }
    if (p.people !== undefined) {
      return (p.name || "") + " · " + p.people + " " + text("cim_people", "人");
    }
    if (p.assigned !== undefined) {
      return (p.name || "") + " · " + p.assigned + " / " + p.room;
    }
    if (p.status) {
      return (p.name || p.code) + " · " + text("cim_status_" + p.status, p.status);
    }
    if (p.height !== undefined) {
      const source = p.height_source === "osm" ? "OSM" : text("cim_generated", "生成");
      return (p.name || p.use || "") + "\n" + text("cim_height", "高度") + " " + p.height + " m (" + source + ")";
    }
    return p.name || p.text || null;
  }

  function container(side) {  // the CIM page's two canvases, or those a spec names (the planning page's massing)
    const named = (state.spec && state.spec.containers) || ["cim-view", "cim-view-b"];
    return document.getElementById(side === "a" ? named[0] : named[1]);
  }

  function layout(spec) {
    const b = container("b");
    if (!b) return;
    const mode = spec.compare && spec.compare.mode;
    b.className = "cim-canvas cim-" + (mode || "none");
    const a = container("a");
    if (mode === "split") {
      a.style.width = "50%";
      b.style.clipPath = "";
    } else {
      a.style.width = "100%";
      b.style.clipPath = mode === "swipe" ? "inset(0 0 0 " + spec.compare.position + "%)" : "";
    }
    const handle = document.getElementById("cim-swipe-line");
    if (handle) {
      handle.style.display = mode === "swipe" ? "block" : "none";
      handle.style.left = (spec.compare && spec.compare.position) + "%";
    }
  }

  function setView(given) {
    const viewState = Object.assign({}, given);
    delete viewState.width; // the canvas's size, not the camera's: deck measures it itself
    delete viewState.height;
    state.viewState = viewState;
    Object.keys(state.views).forEach(function (side) {
      const view = state.views[side];
      if (view && view.deck) view.deck.setProps({ viewState: viewState });
    });
    state.moving = true;
    if (state.askedAt === null) state.askedAt = performance.now();
    adapt();
    window.clearTimeout(state.settling);
    state.settling = window.setTimeout(function () {
      state.moving = false;
      cullSoon();
    }, SETTLE_MS);
    cullSoon();
  }

  function clicked(info) {
    const set = window.dash_clientside && window.dash_clientside.set_props;
    if (!set || (state.spec && state.spec.pickable === false)) return;
    if (info.object && info.layer && /:building@/.test(info.layer.id)) {  // a block: go and look at its buildings
      focus(info.object[0], info.object[1], Math.max(state.viewState.zoom + 2, 15.5));
      return;
    }
    const building = info.object && info.object.properties && info.layer && /:building(#|$)/.test(info.layer.id);
    if (building) set("cim-picked", { data: { id: info.object.properties.id, at: Date.now() } });
    if (info.coordinate) {  // a building's place is a place too: the centre of an evacuation, an isochrone
      set("cim-point", { data: [Number(info.coordinate[0].toFixed(6)), Number(info.coordinate[1].toFixed(6))] });
    }
  }

  function ensureDeck(side) {
    const element = container(side);
    if (!element) return null;
    const known = state.views[side];
    if (known && known.container === element) return known.deck;
    if (known && known.deck) known.deck.finalize();
    const D = window.deck;
    const lights = new D.LightingEffect({
      ambient: new D.AmbientLight({ color: [255, 255, 255], intensity: 1.1 }),
      sun: new D._SunLight({ timestamp: Date.UTC(2026, 5, 21, 4), color: [255, 255, 255], intensity: 1.6 }),
    });
    const made = new D.Deck({
      parent: element,
      views: new D.MapView({ repeat: false, controller: true }),
      viewState: state.viewState,
      controller: { dragRotate: true, touchRotate: true, keyboard: side === "a" },
      effects: [lights],
      onViewStateChange: function (change) {
        setView(change.viewState);
        return change.viewState;
      },
      onClick: clicked,
      getTooltip: function (info) {
        const said = tooltip(info);
        return said ? { text: said, className: "cim-tooltip" } : null;
      },
      onAfterRender: function () {
        state.frames += 1;
        if (state.askedAt !== null) state.waits.push(performance.now() - state.askedAt);
        state.askedAt = null;
      },
      parameters: { clearColor: [0.03, 0.07, 0.12, 1] },
    });
    state.views[side] = { deck: made, container: element };
    return made;
  }

  function side(spec, name, layers) {
    const wanted = layers.filter(function (l) { return l.visible; });
    return Promise.all(
      wanted.map(function (l) {
        return Promise.all([fetched(l.kind === "terrain" ? "/cim/terrain.json" : l.url)].concat(
          (l.levels || []).map(function (url) { return fetched(url); })
        )).then(function (got) {
          return got.length > 1 ? levelled(l, got[0], got.slice(1), spec, name) : deckLayer(l, got[0], spec, name);
        });
      })
    ).then(function (parts) {
      const made = [].concat.apply([], parts);
      const extra = spec.labels ? fetched("/cim/labels.json").then(function (d) { return [labelLayer(d, name)]; })
        : Promise.resolve([]);
      return extra.then(function (labels) {
        const massing = massingLayers(spec, name);
        if (name !== "a") return made.concat(labels, massing);
        const evac = spec.evacuation;
        const state = evac && evac.state ? fetched(evac.state) : Promise.resolve(null);
        return state.then(function (moment) {
          return made.concat(
            floodLayers(spec.flood, name),
            modelLayers(spec.model, name),
            evacuationLayers(evac, moment, name),
            labels,
            massing,
            resultLayers(spec.result, name)
          );
        });
      });
    });
  }

  function render(spec) {
    if (!spec) return;
    state.spec = spec;  // first: it may name the canvases (container)
    if (!container("a")) return;
    state.ready = false;
    loadDeck()
      .then(function () { return document.fonts ? document.fonts.load("13px " + FONT, "海淀") : null; })
      .then(function () {
        if (!state.viewState || spec.camera.reset) state.viewState = Object.assign({}, spec.camera);
        layout(spec);
        const a = ensureDeck("a");
        const comparing = spec.compare && spec.compare.mode && spec.compare.mode !== "none";
        const b = comparing ? ensureDeck("b") : null;
        if (!comparing && state.views.b && state.views.b.deck) {
          state.views.b.deck.finalize();
          delete state.views.b;
        }
        return Promise.all([
          side(spec, "a", spec.layers),
          comparing ? side(spec, "b", spec.compare.layers) : Promise.resolve([]),
        ]).then(function (sides) {
          if (spec !== state.spec) return;
          if (state.budget === null) state.budget = state.movingBudget = spec.budget;
          state.full = { a: sides[0], b: sides[1] };
          state.culled = {};
          a.setProps({ viewState: state.viewState });
          cull("a");
          if (b) {
            b.setProps({ viewState: state.viewState });
            cull("b");
          }
          state.ready = true;
          const mark = container("a");
          if (mark) mark.setAttribute("data-ready", "1");
        });
      })
      .catch(function (error) {
        const mark = container("a");
        if (mark) mark.setAttribute("data-error", String(error));
        throw error;
      });
  }

  function camera(change) {
    if (!state.viewState) return;
    const next = Object.assign({}, state.viewState);
    if (change === "reset" && state.spec) Object.assign(next, state.spec.camera);
    if (change === "tilt") next.pitch = next.pitch > 10 ? 0 : 55;
    if (change === "left") next.bearing = (next.bearing || 0) - 30;
    if (change === "right") next.bearing = (next.bearing || 0) + 30;
    next.transitionDuration = 600;
    next.transitionInterpolator = new window.deck.FlyToInterpolator();
    setView(next);
  }

  function focus(lon, lat, zoom) {
    if (!state.viewState) return;
    setView(Object.assign({}, state.viewState, {
      longitude: lon,
      latitude: lat,
      zoom: zoom || Math.max(state.viewState.zoom, 16.5),
      transitionDuration: 0,
    }));
  }

  function screenOf(lon, lat, z) {
    const view = state.views.a;
    if (!view || !view.deck) return null;
    const viewport = view.deck.getViewports()[0];
    return viewport ? viewport.project([lon, lat, z || 0]) : null;
  }

  window.cockpitCim = {
    render: render,
    camera: camera,
    focus: focus,
    _deck: function () { return state.views.a && state.views.a.deck; },
    screenOf: screenOf,
    view: function (change) {  // move the camera by part of a view state (the bench orbits with it)
      if (state.viewState) setView(Object.assign({}, state.viewState, change));
    },
    stats: function () {
      return {
        frames: state.frames,
        ready: state.ready,
        viewState: state.viewState,
        spec: state.spec ? state.spec.minutes : null,
        levels: state.chosen.a || {},
        budget: state.budget,
        movingBudget: state.movingBudget,
      };
    },
    budget: function (most) {  // a weaker wall computer draws fewer buildings before the blocks stand in
      state.budget = state.movingBudget = most;
      state.culled = {};
      Object.keys(state.views).forEach(cull);
    },
  };

  window.dash_clientside = window.dash_clientside || {};
  Object.assign(window.dash_clientside, {
    cim: {
      render: function (spec) {
        render(spec);
        return window.dash_clientside.no_update;
      },
      camera: function (tilt, left, right, reset) {
        const trigger = window.dash_clientside.callback_context.triggered_id;
        const moves = { "cim-tilt": "tilt", "cim-left": "left", "cim-right": "right", "cim-reset": "reset" };
        if (moves[trigger]) camera(moves[trigger]);
        return window.dash_clientside.no_update;
      },
    },
  });
})();
