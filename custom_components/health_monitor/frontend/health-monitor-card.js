var Tt=Object.defineProperty;var Rt=(i,t,e)=>t in i?Tt(i,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):i[t]=e;var P=(i,t,e)=>Rt(i,typeof t!="symbol"?t+"":t,e);var L=globalThis,z=L.ShadowRoot&&(L.ShadyCSS===void 0||L.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,q=Symbol(),ht=new WeakMap,M=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==q)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(z&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=ht.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&ht.set(e,t))}return t}toString(){return this.cssText}},lt=i=>new M(typeof i=="string"?i:i+"",void 0,q),K=(i,...t)=>{let e=i.length===1?i[0]:t.reduce((s,n,o)=>s+(r=>{if(r._$cssResult$===!0)return r.cssText;if(typeof r=="number")return r;throw Error("Value passed to 'css' function must be a 'css' function result: "+r+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(n)+i[o+1],i[0]);return new M(e,i,q)},dt=(i,t)=>{if(z)i.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),n=L.litNonce;n!==void 0&&s.setAttribute("nonce",n),s.textContent=e.cssText,i.appendChild(s)}},Y=z?i=>i:i=>i instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return lt(e)})(i):i;var{is:Ht,defineProperty:Dt,getOwnPropertyDescriptor:It,getOwnPropertyNames:Lt,getOwnPropertySymbols:zt,getPrototypeOf:jt}=Object,j=globalThis,pt=j.trustedTypes,Bt=pt?pt.emptyScript:"",Ft=j.reactiveElementPolyfillSupport,O=(i,t)=>i,G={toAttribute(i,t){switch(t){case Boolean:i=i?Bt:null;break;case Object:case Array:i=i==null?i:JSON.stringify(i)}return i},fromAttribute(i,t){let e=i;switch(t){case Boolean:e=i!==null;break;case Number:e=i===null?null:Number(i);break;case Object:case Array:try{e=JSON.parse(i)}catch{e=null}}return e}},mt=(i,t)=>!Ht(i,t),ut={attribute:!0,type:String,converter:G,reflect:!1,useDefault:!1,hasChanged:mt};Symbol.metadata??=Symbol("metadata"),j.litPropertyMetadata??=new WeakMap;var $=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=ut){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),n=this.getPropertyDescriptor(t,s,e);n!==void 0&&Dt(this.prototype,t,n)}}static getPropertyDescriptor(t,e,s){let{get:n,set:o}=It(this.prototype,t)??{get(){return this[e]},set(r){this[e]=r}};return{get:n,set(r){let h=n?.call(this);o?.call(this,r),this.requestUpdate(t,h,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??ut}static _$Ei(){if(this.hasOwnProperty(O("elementProperties")))return;let t=jt(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(O("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(O("properties"))){let e=this.properties,s=[...Lt(e),...zt(e)];for(let n of s)this.createProperty(n,e[n])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,n]of e)this.elementProperties.set(s,n)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let n=this._$Eu(e,s);n!==void 0&&this._$Eh.set(n,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let n of s)e.unshift(Y(n))}else t!==void 0&&e.push(Y(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return dt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),n=this.constructor._$Eu(t,s);if(n!==void 0&&s.reflect===!0){let o=(s.converter?.toAttribute!==void 0?s.converter:G).toAttribute(e,s.type);this._$Em=t,o==null?this.removeAttribute(n):this.setAttribute(n,o),this._$Em=null}}_$AK(t,e){let s=this.constructor,n=s._$Eh.get(t);if(n!==void 0&&this._$Em!==n){let o=s.getPropertyOptions(n),r=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:G;this._$Em=n;let h=r.fromAttribute(e,o.type);this[n]=h??this._$Ej?.get(n)??h,this._$Em=null}}requestUpdate(t,e,s,n=!1,o){if(t!==void 0){let r=this.constructor;if(n===!1&&(o=this[t]),s??=r.getPropertyOptions(t),!((s.hasChanged??mt)(o,e)||s.useDefault&&s.reflect&&o===this._$Ej?.get(t)&&!this.hasAttribute(r._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:n,wrapped:o},r){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,r??e??this[t]),o!==!0||r!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),n===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[n,o]of this._$Ep)this[n]=o;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[n,o]of s){let{wrapped:r}=o,h=this[n];r!==!0||this._$AL.has(n)||h===void 0||this.C(n,void 0,o,h)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};$.elementStyles=[],$.shadowRootOptions={mode:"open"},$[O("elementProperties")]=new Map,$[O("finalized")]=new Map,Ft?.({ReactiveElement:$}),(j.reactiveElementVersions??=[]).push("2.1.2");var st=globalThis,_t=i=>i,B=st.trustedTypes,ft=B?B.createPolicy("lit-html",{createHTML:i=>i}):void 0,wt="$lit$",y=`lit$${Math.random().toFixed(9).slice(2)}$`,At="?"+y,Vt=`<${At}>`,w=document,U=()=>w.createComment(""),T=i=>i===null||typeof i!="object"&&typeof i!="function",it=Array.isArray,Wt=i=>it(i)||typeof i?.[Symbol.iterator]=="function",J=`[ 	
\f\r]`,N=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,gt=/-->/g,$t=/>/g,v=RegExp(`>|${J}(?:([^\\s"'>=/]+)(${J}*=${J}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),yt=/'/g,vt=/"/g,xt=/^(?:script|style|textarea|title)$/i,nt=i=>(t,...e)=>({_$litType$:i,strings:t,values:e}),u=nt(1),le=nt(2),de=nt(3),A=Symbol.for("lit-noChange"),c=Symbol.for("lit-nothing"),bt=new WeakMap,b=w.createTreeWalker(w,129);function Et(i,t){if(!it(i)||!i.hasOwnProperty("raw"))throw Error("invalid template strings array");return ft!==void 0?ft.createHTML(t):t}var qt=(i,t)=>{let e=i.length-1,s=[],n,o=t===2?"<svg>":t===3?"<math>":"",r=N;for(let h=0;h<e;h++){let a=i[h],d,p,l=-1,m=0;for(;m<a.length&&(r.lastIndex=m,p=r.exec(a),p!==null);)m=r.lastIndex,r===N?p[1]==="!--"?r=gt:p[1]!==void 0?r=$t:p[2]!==void 0?(xt.test(p[2])&&(n=RegExp("</"+p[2],"g")),r=v):p[3]!==void 0&&(r=v):r===v?p[0]===">"?(r=n??N,l=-1):p[1]===void 0?l=-2:(l=r.lastIndex-p[2].length,d=p[1],r=p[3]===void 0?v:p[3]==='"'?vt:yt):r===vt||r===yt?r=v:r===gt||r===$t?r=N:(r=v,n=void 0);let _=r===v&&i[h+1].startsWith("/>")?" ":"";o+=r===N?a+Vt:l>=0?(s.push(d),a.slice(0,l)+wt+a.slice(l)+y+_):a+y+(l===-2?h:_)}return[Et(i,o+(i[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},R=class i{constructor({strings:t,_$litType$:e},s){let n;this.parts=[];let o=0,r=0,h=t.length-1,a=this.parts,[d,p]=qt(t,e);if(this.el=i.createElement(d,s),b.currentNode=this.el.content,e===2||e===3){let l=this.el.content.firstChild;l.replaceWith(...l.childNodes)}for(;(n=b.nextNode())!==null&&a.length<h;){if(n.nodeType===1){if(n.hasAttributes())for(let l of n.getAttributeNames())if(l.endsWith(wt)){let m=p[r++],_=n.getAttribute(l).split(y),g=/([.?@])?(.*)/.exec(m);a.push({type:1,index:o,name:g[2],strings:_,ctor:g[1]==="."?Q:g[1]==="?"?X:g[1]==="@"?tt:S}),n.removeAttribute(l)}else l.startsWith(y)&&(a.push({type:6,index:o}),n.removeAttribute(l));if(xt.test(n.tagName)){let l=n.textContent.split(y),m=l.length-1;if(m>0){n.textContent=B?B.emptyScript:"";for(let _=0;_<m;_++)n.append(l[_],U()),b.nextNode(),a.push({type:2,index:++o});n.append(l[m],U())}}}else if(n.nodeType===8)if(n.data===At)a.push({type:2,index:o});else{let l=-1;for(;(l=n.data.indexOf(y,l+1))!==-1;)a.push({type:7,index:o}),l+=y.length-1}o++}}static createElement(t,e){let s=w.createElement("template");return s.innerHTML=t,s}};function E(i,t,e=i,s){if(t===A)return t;let n=s!==void 0?e._$Co?.[s]:e._$Cl,o=T(t)?void 0:t._$litDirective$;return n?.constructor!==o&&(n?._$AO?.(!1),o===void 0?n=void 0:(n=new o(i),n._$AT(i,e,s)),s!==void 0?(e._$Co??=[])[s]=n:e._$Cl=n),n!==void 0&&(t=E(i,n._$AS(i,t.values),n,s)),t}var Z=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,n=(t?.creationScope??w).importNode(e,!0);b.currentNode=n;let o=b.nextNode(),r=0,h=0,a=s[0];for(;a!==void 0;){if(r===a.index){let d;a.type===2?d=new H(o,o.nextSibling,this,t):a.type===1?d=new a.ctor(o,a.name,a.strings,this,t):a.type===6&&(d=new et(o,this,t)),this._$AV.push(d),a=s[++h]}r!==a?.index&&(o=b.nextNode(),r++)}return b.currentNode=w,n}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},H=class i{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,n){this.type=2,this._$AH=c,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=n,this._$Cv=n?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=E(this,t,e),T(t)?t===c||t==null||t===""?(this._$AH!==c&&this._$AR(),this._$AH=c):t!==this._$AH&&t!==A&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Wt(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==c&&T(this._$AH)?this._$AA.nextSibling.data=t:this.T(w.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,n=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=R.createElement(Et(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===n)this._$AH.p(e);else{let o=new Z(n,this),r=o.u(this.options);o.p(e),this.T(r),this._$AH=o}}_$AC(t){let e=bt.get(t.strings);return e===void 0&&bt.set(t.strings,e=new R(t)),e}k(t){it(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,n=0;for(let o of t)n===e.length?e.push(s=new i(this.O(U()),this.O(U()),this,this.options)):s=e[n],s._$AI(o),n++;n<e.length&&(this._$AR(s&&s._$AB.nextSibling,n),e.length=n)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=_t(t).nextSibling;_t(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},S=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,n,o){this.type=1,this._$AH=c,this._$AN=void 0,this.element=t,this.name=e,this._$AM=n,this.options=o,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=c}_$AI(t,e=this,s,n){let o=this.strings,r=!1;if(o===void 0)t=E(this,t,e,0),r=!T(t)||t!==this._$AH&&t!==A,r&&(this._$AH=t);else{let h=t,a,d;for(t=o[0],a=0;a<o.length-1;a++)d=E(this,h[s+a],e,a),d===A&&(d=this._$AH[a]),r||=!T(d)||d!==this._$AH[a],d===c?t=c:t!==c&&(t+=(d??"")+o[a+1]),this._$AH[a]=d}r&&!n&&this.j(t)}j(t){t===c?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},Q=class extends S{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===c?void 0:t}},X=class extends S{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==c)}},tt=class extends S{constructor(t,e,s,n,o){super(t,e,s,n,o),this.type=5}_$AI(t,e=this){if((t=E(this,t,e,0)??c)===A)return;let s=this._$AH,n=t===c&&s!==c||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,o=t!==c&&(s===c||n);n&&this.element.removeEventListener(this.name,this,s),o&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},et=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){E(this,t)}};var Kt=st.litHtmlPolyfillSupport;Kt?.(R,H),(st.litHtmlVersions??=[]).push("3.3.3");var St=(i,t,e)=>{let s=e?.renderBefore??t,n=s._$litPart$;if(n===void 0){let o=e?.renderBefore??null;s._$litPart$=n=new H(t.insertBefore(U(),o),o,void 0,e??{})}return n._$AI(i),n};var ot=globalThis,f=class extends ${constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=St(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return A}};f._$litElement$=!0,f.finalized=!0,ot.litElementHydrateSupport?.({LitElement:f});var Yt=ot.litElementPolyfillSupport;Yt?.({LitElement:f});(ot.litElementVersions??=[]).push("4.2.2");var x="health_monitor",Ct=["critical","degraded","warning","unknown","healthy"],kt=["emergency","critical","major","minor","info"],Gt=["cpu_percent","process_memory_percent","loop_lag","response_time","connect_time","uptime_percent"];function Jt(i){return Object.values(i.entities||{}).filter(t=>t.platform===x&&t.device_id)}function Zt(i){let t=new Map;for(let e of i){let s=t.get(e.device_id)||[];s.push(e),t.set(e.device_id,s)}return t}function Qt(i){if(!(!i||!Array.isArray(i.identifiers)))for(let[t,e]of i.identifiers){if(t!==x)continue;let s=(i.config_entries||[]).find(n=>e.startsWith(`${n}_`));if(s)return e.slice(s.length+1)}}function Pt(i){if(!i)return;let t=Number.parseFloat(i.state);return Number.isFinite(t)?t:void 0}function Xt(i,t){for(let e of Gt){let s=t(e),n=s&&i.states[s.entity_id],o=Pt(n);if(o!==void 0)return{entity_id:s.entity_id,value:o,unit:n.attributes.unit_of_measurement||"",name:n.attributes.friendly_name||e}}}function te(i,t){if(!t||t.state!=="on"||!t.attributes.incident_id)return;let e=t.attributes;return{id:e.incident_id,entity_id:i.entity_id,severity:e.severity||"info",status:e.status||"new",opened_at:e.opened_at,acknowledged:e.acknowledged===!0,acknowledged_until:e.acknowledged_until||void 0,suppressed_by:e.suppressed_by||void 0,flapping:e.flapping===!0,in_maintenance:e.in_maintenance===!0,maintenance_until:e.maintenance_until||void 0}}function F(i,t){let e=i.indexOf(t);return e<0?i.length:e}function V(i,t={}){let e=new Set(t.hide_components||[]),s={score:void 0,components:[],incidents:[]};for(let[n,o]of Zt(Jt(i))){let r=g=>o.find(Ut=>Ut.translation_key===g),h=r("health_score");if(h){s.scoreEntity=h.entity_id,s.score=Pt(i.states[h.entity_id]);let g=r("overall_status");s.overall=g&&i.states[g.entity_id]?.state;continue}let a=r("component_status"),d=a&&i.states[a.entity_id];if(!a||e.has(a.entity_id))continue;let p=(i.devices||{})[n],l=r("incident"),m=r("maintenance"),_={device_id:n,id:Qt(p),name:p?.name_by_user||p?.name||a.entity_id,status:d?d.state:"unavailable",message:d?.attributes.message,status_entity:a.entity_id,metric:Xt(i,r),in_maintenance:m?i.states[m.entity_id]?.state==="on":!1,maintenance_entity:m?.entity_id,incident:l&&te(l,i.states[l.entity_id])};s.components.push(_),_.incident&&s.incidents.push({..._.incident,component:_})}return s.components.sort((n,o)=>F(Ct,n.status)-F(Ct,o.status)||n.name.localeCompare(o.name)),s.incidents.sort((n,o)=>F(kt,n.severity)-F(kt,o.severity)||String(n.opened_at).localeCompare(String(o.opened_at))),s}function Mt(i,t=Date.now()){let e=Date.parse(i);if(!Number.isFinite(e))return"";let s=Math.max(0,Math.floor((t-e)/6e4));if(s<1)return"< 1 min";if(s<60)return`${s} min`;let n=Math.floor(s/60);if(n<24)return s%60?`${n} h ${s%60} min`:`${n} h`;let o=Math.floor(n/24);return n%24?`${o} d ${n%24} h`:`${o} d`}function rt(i,t){let e=Date.parse(i);return Number.isFinite(e)?new Date(e).toLocaleString(t||void 0,{month:"short",day:"numeric",hour:"2-digit",minute:"2-digit"}):""}function Ot(i){let t=V(i);return{score:t.scoreEntity,statuses:t.components.map(e=>e.status_entity)}}var Nt=K`
  :host {
    --hm-healthy: var(--success-color, #43a047);
    --hm-warning: var(--warning-color, #ffa600);
    --hm-critical: var(--error-color, #db4437);
    --hm-unknown: var(--disabled-text-color, #9e9e9e);
    --hm-gap: 12px;
  }
  ha-card {
    padding: 16px;
    color: var(--primary-text-color);
    background: var(--ha-card-background, var(--card-background-color, #fff));
  }
  .header {
    display: flex;
    align-items: center;
    gap: var(--hm-gap);
    flex-wrap: wrap;
  }
  .title {
    flex: 1 1 auto;
    font-size: var(--ha-card-header-font-size, 1.4em);
    line-height: 1.3;
  }
  .score {
    display: flex;
    align-items: baseline;
    gap: 4px;
  }
  .score .value {
    font-size: 2.2em;
    font-weight: 500;
  }
  .score .label {
    color: var(--secondary-text-color);
  }
  .score.good .value {
    color: var(--hm-healthy);
  }
  .score.fair .value {
    color: var(--hm-warning);
  }
  .score.poor .value {
    color: var(--hm-critical);
  }
  h3 {
    margin: 16px 0 8px;
    font-size: 1em;
    font-weight: 500;
    color: var(--secondary-text-color);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .empty {
    color: var(--secondary-text-color);
  }
  .incident {
    border: 1px solid var(--divider-color, rgba(127, 127, 127, 0.3));
    border-left: 4px solid var(--hm-critical);
    border-radius: var(--ha-card-border-radius, 8px);
    padding: 10px 12px;
    margin-bottom: 10px;
  }
  .incident.minor,
  .incident.info {
    border-left-color: var(--hm-warning);
  }
  .incident .line {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
  }
  .incident .name {
    font-weight: 500;
    flex: 1 1 auto;
  }
  .incident .meta {
    color: var(--secondary-text-color);
    font-size: 0.9em;
    margin-top: 4px;
  }
  .chip {
    display: inline-block;
    border-radius: 10px;
    padding: 1px 8px;
    font-size: 0.8em;
    line-height: 1.6;
    color: var(--text-primary-color, #fff);
    background: var(--hm-unknown);
    white-space: nowrap;
  }
  .chip.emergency,
  .chip.critical,
  .chip.major {
    background: var(--hm-critical);
  }
  .chip.minor,
  .chip.info {
    background: var(--hm-warning);
  }
  .chip.acknowledged {
    background: var(--primary-color, #03a9f4);
  }
  .chip.maintenance,
  .chip.flapping,
  .chip.suppressed {
    background: var(--secondary-text-color);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    margin-top: 8px;
  }
  .actions input {
    flex: 1 1 160px;
    min-width: 0;
    padding: 6px 8px;
    font: inherit;
    color: var(--primary-text-color);
    background: var(--input-fill-color, var(--secondary-background-color, transparent));
    border: 1px solid var(--divider-color, rgba(127, 127, 127, 0.4));
    border-radius: 4px;
  }
  button {
    font: inherit;
    font-size: 0.9em;
    padding: 6px 12px;
    border-radius: 4px;
    border: 1px solid var(--primary-color, #03a9f4);
    color: var(--primary-color, #03a9f4);
    background: transparent;
    cursor: pointer;
  }
  button.primary {
    color: var(--text-primary-color, #fff);
    background: var(--primary-color, #03a9f4);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .error {
    color: var(--error-color, #db4437);
    margin-top: 6px;
    font-size: 0.9em;
  }
  .component {
    display: grid;
    grid-template-columns: 12px minmax(0, 1fr) auto;
    align-items: center;
    column-gap: 10px;
    padding: 6px 0;
    border-top: 1px solid var(--divider-color, rgba(127, 127, 127, 0.2));
    cursor: pointer;
  }
  .dot {
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: var(--hm-unknown);
  }
  .dot.healthy {
    background: var(--hm-healthy);
  }
  .dot.warning {
    background: var(--hm-warning);
  }
  .dot.degraded,
  .dot.critical {
    background: var(--hm-critical);
  }
  .component .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .component .message {
    color: var(--secondary-text-color);
    font-size: 0.85em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .component .right {
    text-align: right;
    white-space: nowrap;
  }
  .component .status {
    font-size: 0.85em;
    color: var(--secondary-text-color);
  }
`;var k="health-monitor-card",D={title:"Health Monitor",show_components:!0,show_healthy:!0,maintenance_minutes:30,hide_components:[]};function at(i){let t=String(i??"").replaceAll("_"," ");return t.charAt(0).toUpperCase()+t.slice(1)}function ee(i){return i===void 0?"":i>=80?"good":i>=50?"fair":"poor"}var C=class extends f{constructor(){super(),this._busy={},this._errors={},this._notes={},this._now=Date.now()}static getConfigElement(){return document.createElement(`${k}-editor`)}static getStubConfig(){return{title:D.title}}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");let e=t.maintenance_minutes??D.maintenance_minutes;if(!Number.isInteger(e)||e<1||e>10080)throw new Error("maintenance_minutes must be a whole number from 1 to 10080");if(t.hide_components!==void 0&&!Array.isArray(t.hide_components))throw new Error("hide_components must be a list of status sensor entity ids");this._config={...D,...t}}getCardSize(){let t=this.hass?V(this.hass,this._config):void 0;return t?2+t.incidents.length*3+(this._config.show_components?t.components.length:0):3}getGridOptions(){return{columns:12,min_columns:6,rows:"auto"}}connectedCallback(){super.connectedCallback(),this._clock=window.setInterval(()=>{this._now=Date.now()},3e4)}disconnectedCallback(){super.disconnectedCallback(),window.clearInterval(this._clock)}shouldUpdate(t){if(!t.has("hass")||t.size>1)return!0;let e=t.get("hass");return!e||!this.hass||e.entities!==this.hass.entities||e.devices!==this.hass.devices||e.themes!==this.hass.themes||e.locale!==this.hass.locale?!0:Object.values(this.hass.entities||{}).some(s=>s.platform===x&&e.states[s.entity_id]!==this.hass.states[s.entity_id])}_state(t){let e=t&&this.hass.states[t];return e?this.hass.formatEntityState?this.hass.formatEntityState(e):at(e.state):""}_moreInfo(t){this.dispatchEvent(new CustomEvent("hass-more-info",{detail:{entityId:t},bubbles:!0,composed:!0}))}async _call(t,e,s){this._busy={...this._busy,[t]:!0};let{[t]:n,...o}=this._errors;this._errors=o;try{await this.hass.callService(x,e,s),e==="acknowledge"&&(this._notes[t]="")}catch(r){this._errors={...this._errors,[t]:r?.message||String(r)}}finally{let{[t]:r,...h}=this._busy;this._busy=h}}_acknowledge(t){let e=(this._notes[t.id]||"").trim();this._call(t.id,"acknowledge",{incident_id:t.id,...e?{note:e}:{}})}_resolve(t){let e=(this._notes[t.id]||"").trim();this._call(t.id,"resolve",{incident_id:t.id,...e?{note:e}:{}})}_maintain(t){let e=t.component,s=(this._notes[t.id]||"").trim();this._call(t.id,"start_maintenance",{...e.id?{components:[e.id]}:{},duration:this._config.maintenance_minutes*60,...s?{reason:s.slice(0,255)}:{}})}render(){if(!this.hass||!this._config)return c;let t=V(this.hass,this._config),e=this._config.show_healthy?t.components:t.components.filter(s=>s.status!=="healthy");return u`
      <ha-card>
        <div class="header">
          <div class="title">${this._config.title}</div>
          <div
            class="score ${ee(t.score)}"
            @click=${()=>this._moreInfo(t.scoreEntity)}
          >
            <span class="value" data-testid="score">${t.score??"\u2013"}</span>
            <span class="label">/ 100</span>
          </div>
        </div>
        ${t.components.length===0&&t.scoreEntity===void 0?u`<p class="empty">No Health Monitor entities found. Is the integration set up?</p>`:c}
        <h3>Open incidents (${t.incidents.length})</h3>
        ${t.incidents.length===0?u`<div class="empty" data-testid="no-incidents">No open incidents</div>`:t.incidents.map(s=>this._renderIncident(s))}
        ${this._config.show_components?u`<h3>Components (${e.length})</h3>
              ${e.map(s=>this._renderComponent(s))}`:c}
      </ha-card>
    `}_renderIncident(t){let e=!!this._busy[t.id],s=this._errors[t.id],n=this.hass.locale?.language;return u`
      <div class="incident ${t.severity}" data-incident=${t.id}>
        <div class="line">
          <span class="chip ${t.severity}">${at(t.severity)}</span>
          <span class="name">${t.component.name}</span>
          ${t.acknowledged?u`<span class="chip acknowledged" data-testid="acknowledged">Acknowledged</span>`:c}
          ${t.in_maintenance?u`<span class="chip maintenance">Maintenance</span>`:c}
          ${t.flapping?u`<span class="chip flapping">Flapping</span>`:c}
          ${t.suppressed_by?u`<span class="chip suppressed">Caused by ${t.suppressed_by}</span>`:c}
        </div>
        <div class="meta">
          ${t.id} · ${at(t.status)} · open for
          <span data-testid="age">${Mt(t.opened_at,this._now)}</span>
          ${t.acknowledged_until?u` · acknowledged until ${rt(t.acknowledged_until,n)}`:c}
          ${t.maintenance_until?u` · maintenance until ${rt(t.maintenance_until,n)}`:c}
        </div>
        ${t.component.message?u`<div class="meta">${t.component.message}</div>`:c}
        <div class="actions">
          <input
            type="text"
            maxlength="2000"
            placeholder="Note (optional)"
            aria-label="Note for ${t.id}"
            .value=${this._notes[t.id]||""}
            @input=${o=>{this._notes[t.id]=o.target.value}}
          />
          <button
            class="primary"
            data-action="acknowledge"
            ?disabled=${e||t.acknowledged}
            @click=${()=>this._acknowledge(t)}
          >
            Acknowledge
          </button>
          <button data-action="resolve" ?disabled=${e} @click=${()=>this._resolve(t)}>
            Resolve
          </button>
          <button
            data-action="maintenance"
            ?disabled=${e||t.in_maintenance}
            @click=${()=>this._maintain(t)}
          >
            Maintenance ${this._config.maintenance_minutes} min
          </button>
        </div>
        ${s?u`<div class="error" role="alert">${s}</div>`:c}
      </div>
    `}_renderComponent(t){let e=t.metric;return u`
      <div
        class="component"
        data-component=${t.status_entity}
        @click=${()=>this._moreInfo(t.status_entity)}
      >
        <span class="dot ${t.status}"></span>
        <div>
          <div class="name">${t.name}</div>
          ${t.message?u`<div class="message">${t.message}</div>`:c}
        </div>
        <div class="right">
          <div class="metric">${e?this._state(e.entity_id):""}</div>
          <div class="status">
            ${this._state(t.status_entity)}${t.in_maintenance?" \xB7 maintenance":""}
          </div>
        </div>
      </div>
    `}};P(C,"properties",{hass:{attribute:!1},_config:{state:!0},_busy:{state:!0},_errors:{state:!0},_now:{state:!0}}),P(C,"styles",Nt);var se=[{name:"title",selector:{text:{}}},{name:"show_components",selector:{boolean:{}}},{name:"show_healthy",selector:{boolean:{}}},{name:"maintenance_minutes",selector:{number:{min:1,max:10080,mode:"box",unit_of_measurement:"min"}}},{name:"hide_components",selector:{entity:{multiple:!0,filter:{integration:"health_monitor",domain:"sensor",device_class:"enum"}}}}],ie={title:"Title",show_components:"Show the components",show_healthy:"Show healthy components",maintenance_minutes:"Maintenance button: minutes",hide_components:"Components to leave out (their status sensors)"},I=class extends f{setConfig(t){this._config=t}_changed(t){let e={...t.detail.value};e.hide_components?.length||delete e.hide_components,e.maintenance_minutes!==void 0&&(e.maintenance_minutes=Math.round(Number(e.maintenance_minutes))),this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:e},bubbles:!0,composed:!0}))}render(){return!this.hass||!this._config?c:u`
      <ha-form
        .hass=${this.hass}
        .data=${{...D,...this._config}}
        .schema=${se}
        .computeLabel=${t=>ie[t.name]||t.name}
        @value-changed=${this._changed}
      ></ha-form>
    `}};P(I,"properties",{hass:{attribute:!1},_config:{state:!0}});var W=class extends HTMLElement{static async generate(t,e){let s=t.hours_to_show??24,{score:n,statuses:o}=Ot(e),r=Object.values(e.entities||{}).filter(a=>a.platform===x&&["monitoring","incident_response","maintenance_all"].includes(a.translation_key)).map(a=>a.entity_id).sort(),h=[{type:"custom:health-monitor-card",...t.card||{}}];return n&&h.push({type:"history-graph",title:"Health score",hours_to_show:s,entities:[n]}),o.length&&h.push({type:"history-graph",title:"Component status",hours_to_show:s,entities:o}),r.length&&h.push({type:"entities",title:"Controls",entities:r}),{title:t.title??"Health Monitor",views:[{title:"Health",path:"health",icon:"mdi:heart-pulse",cards:h}]}}};function ct(i,t){customElements.get(i)||customElements.define(i,t)}function ne(){ct(k,C),ct(`${k}-editor`,I),ct("ll-strategy-dashboard-health-monitor",W)}Promise.race([customElements.whenDefined("home-assistant"),new Promise(i=>{setTimeout(i,3e4)})]).then(ne);window.customCards=window.customCards||[];window.customCards.some(i=>i.type===k)||window.customCards.push({type:k,name:"Health Monitor",description:"Health score, components and open incidents with acknowledge, resolve and maintenance",preview:!0,documentationURL:"https://github.com/health-monitor/health_monitor#dashboard-and-card"});
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
