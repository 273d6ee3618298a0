import UPnP

/// The Messaging:2 schemas (messaging-v2.md §1), embedded so that the daemon validates fragments without reading
/// files or fetching the www.upnp.org URLs. The text is `Tests/Fixtures/spec/messaging-v2.xsd` and `peer-v2.xsd`
/// verbatim; `FragmentTests.embeddedSchemasAreTheSpecFiles` fails when they drift apart.
public enum MessagingSchemas {
    /// The compiled messaging schema (imports the peer schema), built once on first use.
    ///
    /// - Throws: only if the embedded text were broken, which a test rules out.
    public static func messaging() throws(XMLParseError) -> XMLSchema {
        try compiled.get()
    }

    private static let compiled: Result<XMLSchema, XMLParseError> = Result { () throws(XMLParseError) in
        try XMLSchema(main: messagingXSD, name: "messaging-v2.xsd", imports: ["peer-v2.xsd": peerXSD])
    }

    /// `messaging-v2.xsd`: Annex B, repaired (see its header comment).
    public static let messagingXSD = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          Messaging:2 XML fragments, reconstructed from ISO/IEC 29341-26-12:2017 Annex B (normative).
          Canonical location: http://www.upnp.org/schemas/phone/messaging-v2.xsd
          Namespace: urn:schemas-upnp-org:phone:messaging

          Global elements (one per XML-valued state variable):
            messagingCapabilities  A_ARG_TYPE_MessagingCapabilities
            newMessages            NewMessages
            sessionUpdates         SessionUpdates
            message                A_ARG_TYPE_Message
            messageList            A_ARG_TYPE_MessageList
            recipientsList         A_ARG_TYPE_RecipientsList
            sessionInfo            A_ARG_TYPE_SessionInfo
            sessionsList           A_ARG_TYPE_SessionsList
            fileInfoList           A_ARG_TYPE_FileInfoList
          elementFormDefault="unqualified": only the root element carries the messaging: prefix;
          its children are unprefixed and in no namespace; peerType children are peer:-qualified.

          Changes from the printed (OCR'd) Annex B, see messaging-v2.md "OCR fixes and deviations":
           M1  schemaLocation of the peer import points to the local copy "peer-v2.xsd"
               (the standard uses http://www.upnp.org/schemas/phone/peer-v2.xsd).
           M2  attachment.type: element printed as "uRI"; named "uri" here, as in 5.3.10.2
               (description and example). Receivers should accept both spellings.
           M3  sessionUpdate: printed type reference "messaging:sessionId.type" does not exist
               (the schema does not compile); fixed to "messaging:sessionID.type". The element
               NAME stays "sessionId" as printed in Annex B, 5.3.4.2 example and description.
          Everything else (element names, order, cardinalities, types) is as printed.
        -->
        <schema xmlns:messaging="urn:schemas-upnp-org:phone:messaging"
                xmlns="http://www.w3.org/2001/XMLSchema"
                xmlns:peer="urn:schemas-upnp-org:phone:peer"
                targetNamespace="urn:schemas-upnp-org:phone:messaging"
                elementFormDefault="unqualified"
                attributeFormDefault="unqualified">
          <import namespace="urn:schemas-upnp-org:phone:peer" schemaLocation="peer-v2.xsd"/>

          <simpleType name="messageID.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_MessageID. Text format is:
                [SessionID.]MessageID</documentation>
            </annotation>
            <restriction base="string">
              <pattern value="[a-zA-Z0-9]*(\.[a-zA-Z0-9]+)?"/>
            </restriction>
          </simpleType>
          <simpleType name="messageClass.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_MessageClass</documentation>
            </annotation>
            <restriction base="string"/>
          </simpleType>
          <simpleType name="messageFolder.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_MessageFolder</documentation>
            </annotation>
            <restriction base="string"/>
          </simpleType>
          <simpleType name="messageStatus.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_MessageStatus</documentation>
            </annotation>
            <restriction base="string"/>
          </simpleType>
          <simpleType name="sessionID.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_SessionID</documentation>
            </annotation>
            <restriction base="string">
              <pattern value="[a-zA-Z0-9]*"/>
            </restriction>
          </simpleType>
          <simpleType name="sessionClass.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_SessionClass</documentation>
            </annotation>
            <restriction base="string"/>
          </simpleType>
          <simpleType name="sessionStatus.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_SessionStatus</documentation>
            </annotation>
            <restriction base="string"/>
          </simpleType>
          <simpleType name="supportedContentType.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_SupportedContentType</documentation>
            </annotation>
            <restriction base="string"/>
          </simpleType>

          <complexType name="recipientsList.type">
            <annotation>
              <documentation>Complex type defining a list of recipients</documentation>
            </annotation>
            <sequence>
              <element name="recipientTo" type="peer:peerType" minOccurs="0" maxOccurs="unbounded"/>
              <element name="recipientCc" type="peer:peerType" minOccurs="0" maxOccurs="unbounded"/>
              <element name="recipientBcc" type="peer:peerType" minOccurs="0" maxOccurs="unbounded"/>
              <element name="recipientFrom" type="peer:peerType"/>
            </sequence>
          </complexType>

          <complexType name="attachment.type">
            <annotation>
              <documentation>Complex type defining an attachment to a message</documentation>
            </annotation>
            <sequence>
              <element name="uri" type="anyURI"/>
              <element name="size" type="nonNegativeInteger" minOccurs="0"/>
              <element name="mimeType" type="string" minOccurs="0"/>
            </sequence>
          </complexType>

          <complexType name="message.type">
            <annotation>
              <documentation>Complex type defining the possible properties of a message of any
                Class.</documentation>
            </annotation>
            <sequence>
              <element name="messageID" type="messaging:messageID.type"/>
              <element name="sessionID" type="messaging:sessionID.type" minOccurs="0"/>
              <element name="messageClass" type="messaging:messageClass.type"/>
              <element name="messageFolder" type="messaging:messageFolder.type"/>
              <element name="messageStatus" type="messaging:messageStatus.type"/>
              <element name="replyMessageID" type="messaging:messageID.type" minOccurs="0"/>
              <element name="recipientsList" type="messaging:recipientsList.type"/>
              <element name="subject" type="string" minOccurs="0"/>
              <element name="text" type="string" minOccurs="0"/>
              <element name="attachments" minOccurs="0">
                <complexType>
                  <sequence maxOccurs="unbounded">
                    <element name="attachment" type="messaging:attachment.type"/>
                  </sequence>
                </complexType>
              </element>
              <element name="dateSent" type="dateTime" minOccurs="0"/>
              <element name="dateReceived" type="dateTime" minOccurs="0"/>
            </sequence>
          </complexType>

          <complexType name="newMessage.type">
            <annotation>
              <documentation>Complex type defining the possible properties of a new incoming
                message</documentation>
            </annotation>
            <sequence>
              <element name="messageID" type="messaging:messageID.type"/>
              <element name="messageOverview" type="string" minOccurs="0"/>
            </sequence>
          </complexType>

          <complexType name="session.type">
            <annotation>
              <documentation>Complex type defining the possible properties of a messaging session of
                any Class.</documentation>
            </annotation>
            <sequence>
              <element name="sessionID" type="messaging:sessionID.type"/>
              <element name="sessionClass" type="messaging:sessionClass.type"/>
              <element name="subject" type="string" minOccurs="0"/>
              <element name="sessionStatus" type="messaging:sessionStatus.type"/>
              <element name="supportedContentType" type="messaging:supportedContentType.type"
                       minOccurs="0"/>
              <element name="recipientsList" type="messaging:recipientsList.type"/>
              <element name="listOfMessages" minOccurs="0">
                <complexType>
                  <sequence minOccurs="0" maxOccurs="unbounded">
                    <element name="messageID" type="messaging:messageID.type"/>
                  </sequence>
                </complexType>
              </element>
              <element name="dateStarted" type="dateTime" minOccurs="0"/>
              <element name="dateLastMessage" type="dateTime" minOccurs="0"/>
              <element name="dateEnded" type="dateTime" minOccurs="0"/>
            </sequence>
          </complexType>

          <complexType name="fileInfo.type">
            <annotation>
              <documentation>Complex type defining the information of the file to
                transfer</documentation>
            </annotation>
            <sequence>
              <element name="fileType" type="string"/>
              <element name="fileSize" type="nonNegativeInteger"/>
              <element name="fileLink" type="anyURI"/>
              <element name="progressNotif">
                <complexType>
                  <simpleContent>
                    <extension base="boolean">
                      <attribute name="time" type="positiveInteger"/>
                    </extension>
                  </simpleContent>
                </complexType>
              </element>
            </sequence>
          </complexType>

          <complexType name="fileInfoList.type">
            <annotation>
              <documentation>Complex type defining the information associated to a file transfer
                session</documentation>
            </annotation>
            <sequence>
              <element name="sessionID" type="messaging:sessionID.type"/>
              <element name="fileInfo" type="messaging:fileInfo.type" maxOccurs="unbounded"/>
            </sequence>
          </complexType>

          <element name="messagingCapabilities">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_MessagingCapabilities</documentation>
            </annotation>
            <complexType>
              <sequence>
                <element name="supportedMessageClasses">
                  <complexType>
                    <sequence maxOccurs="unbounded">
                      <element name="messageClass" type="messaging:messageClass.type"/>
                    </sequence>
                  </complexType>
                </element>
                <element name="supportedSessionClasses">
                  <complexType>
                    <sequence minOccurs="0" maxOccurs="unbounded">
                      <element name="sessionClass" type="messaging:sessionClass.type"/>
                    </sequence>
                  </complexType>
                </element>
                <element name="supportedMessageFolders">
                  <complexType>
                    <sequence maxOccurs="unbounded">
                      <element name="messageFolder" type="messaging:messageFolder.type"/>
                    </sequence>
                  </complexType>
                </element>
              </sequence>
            </complexType>
          </element>

          <element name="newMessages">
            <annotation>
              <documentation>Corresponding state variable: NewMessages</documentation>
            </annotation>
            <complexType>
              <sequence minOccurs="0" maxOccurs="unbounded">
                <annotation>
                  <documentation>No new messages is a possible actual value</documentation>
                </annotation>
                <element name="newMessage" type="messaging:newMessage.type"/>
              </sequence>
            </complexType>
          </element>

          <element name="sessionUpdates">
            <annotation>
              <documentation>Corresponding state variable: SessionUpdates</documentation>
            </annotation>
            <complexType>
              <sequence minOccurs="0" maxOccurs="unbounded">
                <element name="sessionUpdate">
                  <complexType>
                    <sequence>
                      <element name="sessionId" type="messaging:sessionID.type"/>
                      <element name="sessionEvent" type="string" maxOccurs="unbounded"/>
                      <element name="sessionStatus" type="messaging:sessionStatus.type"/>
                    </sequence>
                  </complexType>
                </element>
              </sequence>
            </complexType>
          </element>

          <element name="message" type="messaging:message.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_Message</documentation>
            </annotation>
          </element>

          <element name="messageList">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_MessageList</documentation>
            </annotation>
            <complexType>
              <sequence minOccurs="0" maxOccurs="unbounded">
                <element name="message" type="messaging:message.type"/>
              </sequence>
            </complexType>
          </element>

          <element name="sessionInfo" type="messaging:session.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_SessionInfo</documentation>
            </annotation>
          </element>

          <element name="sessionsList">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_SessionsList</documentation>
            </annotation>
            <complexType>
              <sequence minOccurs="0" maxOccurs="unbounded">
                <element name="sessionInfo" type="messaging:session.type"/>
              </sequence>
            </complexType>
          </element>

          <element name="recipientsList" type="messaging:recipientsList.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_RecipientsList</documentation>
            </annotation>
          </element>

          <element name="fileInfoList" type="messaging:fileInfoList.type">
            <annotation>
              <documentation>Corresponding state variable: A_ARG_TYPE_FileInfoList</documentation>
            </annotation>
          </element>
        </schema>
        """#

    /// `peer-v2.xsd`: Annex A.3, repaired (see its header comment).
    public static let peerXSD = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          peerType, reconstructed from ISO/IEC 29341-26-12:2017 Annex A.3 (normative).
          Canonical location: http://www.upnp.org/schemas/phone/peer-v2.xsd
          Namespace: urn:schemas-upnp-org:phone:peer

          Changes from the printed (OCR'd) Annex A.3, see messaging-v2.md "OCR fixes and deviations":
           P1  <any namespace="#other">: "#other" is read as the literal namespace URI "#other", so
               no extension element could ever match; fixed to the intended token "##other".
           P2  processContents="lax" added to the extension <any> (the printed default, "strict",
               would reject every vendor extension element for which no schema is loaded).
           P3  groupInstanceId had no type in the printed schema (defaulting to anyType);
               given xsd:unsignedInt exactly like contactInstanceId, as Annex A.2 describes it.
           P4  attributeFormDefault changed from "qualified" to "unqualified": every instance in the
               standard writes the image/location "type" attribute without a prefix
               (<peer:image type="URL">), which only validates when attributes are unqualified.
               The messaging schema (Annex B) is unqualified too.
        -->
        <schema xmlns="http://www.w3.org/2001/XMLSchema"
                xmlns:peer="urn:schemas-upnp-org:phone:peer"
                targetNamespace="urn:schemas-upnp-org:phone:peer"
                elementFormDefault="qualified"
                attributeFormDefault="unqualified"
                version="1">
          <complexType name="peerType">
            <sequence>
              <element name="id" nillable="0">
                <annotation>
                  <documentation>Id of the peer. The content depends on the context. For example it can be
                    a phone number, an e-mail address and so on.</documentation>
                </annotation>
                <complexType>
                  <simpleContent>
                    <extension base="string"/>
                  </simpleContent>
                </complexType>
              </element>
              <element name="name" type="string" nillable="0" minOccurs="0">
                <annotation>
                  <documentation>Textual name of the peer. In case the Phone Data Model is supported, this
                    element shall be the FormattedName in the address book.</documentation>
                </annotation>
              </element>
              <choice minOccurs="0">
                <element name="contactInstanceId" nillable="0">
                  <annotation>
                    <documentation>The Instance Identifier of a Contact in the PDM address book.</documentation>
                  </annotation>
                  <complexType>
                    <simpleContent>
                      <extension base="unsignedInt"/>
                    </simpleContent>
                  </complexType>
                </element>
                <element name="groupInstanceId" nillable="0">
                  <annotation>
                    <documentation>The Instance Identifier of a Group in the PDM address book.</documentation>
                  </annotation>
                  <complexType>
                    <simpleContent>
                      <extension base="unsignedInt"/>
                    </simpleContent>
                  </complexType>
                </element>
              </choice>
              <element name="image" minOccurs="0">
                <complexType>
                  <sequence>
                    <element name="contentType" type="string" minOccurs="0"/>
                    <element name="contentTransferEncoding" type="string" minOccurs="0"/>
                    <element name="imageData" type="string" minOccurs="0"/>
                  </sequence>
                  <attribute name="type" use="optional">
                    <simpleType>
                      <restriction base="string">
                        <enumeration value="URL"/>
                        <enumeration value="thumbnail"/>
                      </restriction>
                    </simpleType>
                  </attribute>
                </complexType>
              </element>
              <element name="location" minOccurs="0">
                <annotation>
                  <documentation>Either a URL points to the map information; URL for a the map image OR it
                    could include longitude and latitude information in ["LAT LON"] order.</documentation>
                </annotation>
                <complexType>
                  <simpleContent>
                    <extension base="string">
                      <attribute name="type" use="optional" default="map">
                        <simpleType>
                          <restriction base="string">
                            <enumeration value="map"/>
                            <enumeration value="coordinates"/>
                          </restriction>
                        </simpleType>
                      </attribute>
                    </extension>
                  </simpleContent>
                </complexType>
              </element>
              <any namespace="##other" processContents="lax" minOccurs="0">
                <annotation>
                  <documentation>Vendor defined extensions attachment point.</documentation>
                </annotation>
              </any>
            </sequence>
          </complexType>
        </schema>
        """#
}
