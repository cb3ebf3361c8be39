-- crossref.lua: Quarto-style numbering of figures and tables, and @fig-/@tbl-/@sec- references.
--
-- Numbered, in document order, per kind:
--   * divs with an id fig-... / tbl-... (::: {#fig-x .quarto-float} ... ::: {.float-caption} ... :::);
--     the caption is the last .float-caption div, else (Quarto's div syntax) a closing paragraph
--     that follows the content;
--   * figures with such an id (![Caption](img.png){#fig-y} is a Figure in pandoc 3);
--   * tables whose caption carries such an id (: Caption {#tbl-z}).
-- Each becomes <figure id="..."> ... <figcaption>Figure 1: caption</figcaption></figure>.
-- A citation @fig-x / @tbl-x becomes <a href="#fig-x" class="quarto-xref">Figure 1</a>; @sec-x links to
-- the heading {#sec-x} with the heading's text. An unresolved or duplicated label is an error.

local LABELS = { fig = "Figure", tbl = "Table" }
local XREF_KINDS = { fig = true, tbl = true, sec = true }
local CLASSES = { fig = "quarto-figure", tbl = "quarto-table" }

-- Return the cross-reference kind of an identifier ("fig", "tbl", "sec") or nil.
local function kind_of(id)
  local kind = id and id:match("^(%a+)%-.")
  if kind and XREF_KINDS[kind] then
    return kind
  end
  return nil
end

-- Return the float kind ("fig" or "tbl") of an identifier, or nil.
local function float_kind(id)
  local kind = kind_of(id)
  if kind and LABELS[kind] then
    return kind
  end
  return nil
end

-- Record every float (numbered per kind, in document order) and every sec- heading.
local function collect(doc)
  local targets, counts = {}, { fig = 0, tbl = 0 }
  local function add(id, target)
    if targets[id] then
      error("duplicate cross-reference id " .. id, 0)
    end
    targets[id] = target
  end
  local function float(el)
    local kind = float_kind(el.identifier)
    if kind then
      counts[kind] = counts[kind] + 1
      add(el.identifier, { text = LABELS[kind] .. " " .. counts[kind], number = tostring(counts[kind]) })
    end
  end
  doc:walk({
    traverse = "topdown",
    Div = float,
    Figure = float,
    Table = float,
    Header = function(header)
      if kind_of(header.identifier) == "sec" then
        local text = pandoc.utils.stringify(header.content)
        add(header.identifier, { text = text, number = text })
      end
    end,
  })
  return targets
end

-- Return a copy of the attributes with the float classes added and the id kept. A table float
-- scrolls sideways on a narrow screen, so it takes a tab stop for keyboard users to scroll it.
local function float_attr(attr, kind)
  local classes = pandoc.List({ "quarto-float", CLASSES[kind] })
  for _, class in ipairs(attr.classes) do
    if not classes:includes(class) then
      classes:insert(class)
    end
  end
  local attributes = attr.attributes
  if kind == "tbl" then
    attributes.tabindex = "0"
  end
  return pandoc.Attr(attr.identifier, classes, attributes)
end

-- Build a numbered Figure block from its content and caption inlines.
local function numbered_figure(attr, content, caption, targets)
  local kind = float_kind(attr.identifier)
  local label = pandoc.Inlines(targets[attr.identifier].text)
  if caption and #caption > 0 then
    label:insert(pandoc.Str(":"))
    label:insert(pandoc.Space())
    label:extend(caption)
  end
  return pandoc.Figure(content, { pandoc.Plain(label) }, float_attr(attr, kind))
end

-- Split a float div into its content blocks and its caption inlines.
local function split_float_div(div)
  local caption_at
  for i, block in ipairs(div.content) do
    if block.t == "Div" and block.classes:includes("float-caption") then
      caption_at = i
    end
  end
  local last = div.content[#div.content]
  if not caption_at and #div.content > 1 and last.t == "Para" then
    caption_at = #div.content -- Quarto's div syntax: a closing paragraph after the content is the caption
  end
  local content, caption = pandoc.Blocks({}), pandoc.Inlines({})
  for i, block in ipairs(div.content) do
    if i == caption_at then
      caption = pandoc.utils.blocks_to_inlines(block.t == "Div" and block.content or { block })
    else
      content:insert(block)
    end
  end
  return content, caption
end

-- Return the caption inlines of a Figure or Table.
local function caption_inlines(el)
  return pandoc.utils.blocks_to_inlines(el.caption.long or {})
end

-- Render one cross-reference citation as a link (prefix and suffix kept).
local function xref_link(citation, target)
  local text = citation.mode == "SuppressAuthor" and target.number or target.text
  local link = pandoc.Link(pandoc.Inlines(text), "#" .. citation.id, "", pandoc.Attr("", { "quarto-xref" }))
  local inlines = pandoc.Inlines({})
  if #citation.prefix > 0 then
    inlines:extend(citation.prefix)
    inlines:insert(pandoc.Space())
  end
  inlines:insert(link)
  inlines:extend(citation.suffix)
  return inlines
end

-- Return the inlines standing for a run of ordinary citations: a Cite left for citeproc.
local function plain_cite(citations)
  local text = pandoc.List({})
  for _, citation in ipairs(citations) do
    text:insert("@" .. citation.id)
  end
  return pandoc.Inlines({ pandoc.Cite(pandoc.Inlines(table.concat(text, "; ")), citations) })
end

-- Split a Cite into runs: each cross-reference alone, consecutive ordinary citations together.
local function runs_of(cite)
  local runs = pandoc.List({})
  for _, citation in ipairs(cite.citations) do
    local last = runs[#runs]
    if not kind_of(citation.id) and last and not last.xref then
      last.citations:insert(citation)
    else
      runs:insert({ xref = kind_of(citation.id) ~= nil, citations = pandoc.List({ citation }) })
    end
  end
  return runs
end

-- Replace the cross-reference citations of a Cite; keep the others as a Cite for citeproc.
-- Runs are joined by "; ", or by a space after an in-text reference (@fig-x [@key]).
local function resolve_cite(cite, targets, unresolved)
  local runs = runs_of(cite)
  if not runs:find_if(function(run) return run.xref end) then
    return nil
  end
  local result = pandoc.Inlines({})
  for i, run in ipairs(runs) do
    if i > 1 then
      local previous = runs[i - 1].citations
      if previous[#previous].mode ~= "AuthorInText" then
        result:insert(pandoc.Str(";"))
      end
      result:insert(pandoc.Space())
    end
    if run.xref then
      local citation = run.citations[1]
      local target = targets[citation.id]
      if target then
        result:extend(xref_link(citation, target))
      else
        unresolved:insert("@" .. citation.id)
      end
    else
      result:extend(plain_cite(run.citations))
    end
  end
  return result
end

-- Turn the list of unresolved labels into the filter's error message.
local function unresolved_message(unresolved)
  local seen, unique = {}, pandoc.List({})
  for _, label in ipairs(unresolved) do
    if not seen[label] then
      seen[label] = true
      unique:insert(label)
    end
  end
  local noun = #unique == 1 and "cross-reference " or "cross-references "
  return "unresolved " .. noun .. table.concat(unique, ", ")
end

function Pandoc(doc)
  local targets = collect(doc)
  local unresolved = pandoc.List({})
  doc = doc:walk({
    Cite = function(cite)
      return resolve_cite(cite, targets, unresolved)
    end,
  })
  if #unresolved > 0 then
    error(unresolved_message(unresolved), 0)
  end
  return doc:walk({
    traverse = "topdown",
    Div = function(div)
      if float_kind(div.identifier) then
        local content, caption = split_float_div(div)
        return numbered_figure(div.attr, content, caption, targets)
      end
    end,
    Figure = function(figure)
      if float_kind(figure.identifier) then
        return numbered_figure(figure.attr, figure.content, caption_inlines(figure), targets)
      end
    end,
    Table = function(tbl)
      if float_kind(tbl.identifier) then
        local caption = caption_inlines(tbl)
        local attr = tbl.attr
        tbl.attr = pandoc.Attr()
        tbl.caption = pandoc.Caption()
        return numbered_figure(attr, { tbl }, caption, targets)
      end
    end,
  })
end
